"""The permission matrix: every page and API endpoint, requested as every role.

The URL conf and the API router are walked; each URL is requested (GET) as an anonymous
visitor, a practitioner, the contact of jurisdiction A, the contact of jurisdiction B, a reviewer
and program staff, once against objects of A and once against objects of B. The expected answer
of each cell is written in MATRIX below, for A's objects (for B's objects the two contacts swap
places). A URL without a row fails `test_every_url_has_a_row_in_the_matrix`.

Statuses: 200 shown, 302 sent to log in (or on: a redirect that is the page's answer), 400 a
page that needs parameters says so, 403 the role may not, 404 the object is not theirs to know
of, 405 the URL takes another method (POST-only actions are still listed, so a new one must be
looked at).
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.applications.factories import ReviewFactory
from tests.cohorts.factories import CohortFactory
from tests.permission_world import build_shared, build_side

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "practitioner", "contact_a", "contact_b", "reviewer", "staff")

# url name: expected status for (anonymous, practitioner, contact_a, contact_b, reviewer, staff)
# when the URL names objects of jurisdiction A.
MATRIX = {
    "landing": (200, 200, 200, 200, 200, 200),
    "home": (302, 200, 200, 200, 200, 200),
    "healthz": (200, 200, 200, 200, 200, 200),
    "login": (200, 302, 302, 302, 302, 302),
    "logout": (405, 405, 405, 405, 405, 405),
    "password_reset": (200, 200, 200, 200, 200, 200),
    "password_reset_done": (200, 200, 200, 200, 200, 200),
    "password_reset_confirm": (200, 200, 200, 200, 200, 200),
    "password_reset_complete": (200, 200, 200, 200, 200, 200),
    "admin:index": (302, 302, 302, 302, 200, 200),
    "applications:portal": (302, 200, 200, 200, 200, 200),
    "applications:cohorts": (200, 200, 200, 200, 200, 200),
    "applications:cohort": (200, 200, 200, 200, 200, 200),
    "applications:start": (302, 200, 200, 200, 200, 200),
    "applications:decisions": (302, 403, 403, 403, 200, 200),
    "applications:decisions_apply": (302, 405, 405, 405, 405, 405),
    "applications:sign_up": (200, 200, 200, 200, 200, 200),
    "applications:join": (302, 200, 200, 200, 200, 200),
    "applications:review_queue": (302, 403, 403, 403, 200, 200),
    "applications:detail": (302, 404, 200, 404, 200, 200),
    "applications:edit": (302, 404, 302, 404, 302, 302),
    "applications:submit": (302, 405, 405, 405, 405, 405),
    "applications:copy_previous": (302, 405, 405, 405, 405, 405),
    "applications:invite": (302, 405, 405, 405, 405, 405),
    "applications:document": (302, 404, 200, 404, 200, 200),
    "applications:document_delete": (302, 405, 405, 405, 405, 405),
    "applications:letter_upload": (302, 405, 405, 405, 405, 405),
    "applications:letter": (302, 404, 200, 404, 200, 200),
    "applications:letters_request": (302, 405, 405, 405, 405, 405),
    "applications:transition": (302, 405, 405, 405, 405, 405),
    "applications:review": (302, 403, 403, 403, 200, 200),
    "applications:interview": (302, 405, 405, 405, 405, 405),
    "applications:mou": (302, 405, 405, 405, 405, 405),
    "applications:reference_check": (302, 405, 405, 405, 405, 405),
    "applications:decision": (302, 405, 405, 405, 405, 405),
    "jurisdictions:detail": (302, 404, 200, 404, 200, 200),
    "jurisdictions:agency_add": (302, 405, 405, 405, 405, 405),
    "jurisdictions:person_add": (302, 405, 405, 405, 405, 405),
    "jurisdictions:team_new": (302, 404, 200, 404, 200, 200),
    "jurisdictions:team_edit": (302, 404, 200, 404, 200, 200),
    "jurisdictions:seat": (302, 404, 200, 404, 200, 200),
    "jurisdictions:seat_mou_draft": (302, 405, 405, 405, 405, 405),
    "jurisdictions:seat_mou_step": (302, 405, 405, 405, 405, 405),
    "jurisdictions:seat_mou_signed": (302, 405, 405, 405, 405, 405),
    "jurisdictions:seat_letter_add": (302, 405, 405, 405, 405, 405),
    "jurisdictions:seat_point_of_contact": (302, 405, 405, 405, 405, 405),
    "jurisdictions:mou_download": (302, 404, 200, 404, 200, 200),
    "jurisdictions:letter_download": (302, 404, 200, 404, 200, 200),
    "jurisdictions:cohort_dashboard": (302, 403, 403, 403, 200, 200),
    "jurisdictions:resources": (302, 200, 200, 200, 200, 200),
    "jurisdictions:resource_new": (302, 403, 403, 403, 200, 200),
    "jurisdictions:resource_download": (302, 200, 200, 200, 200, 200),
    "jurisdictions:resource_delete": (302, 405, 405, 405, 405, 405),
    "coaching:overview": (302, 403, 200, 200, 302, 302),
    "coaching:week": (302, 403, 200, 200, 400, 400),
    "coaching:logs": (302, 403, 200, 200, 200, 200),
    "coaching:export": (302, 403, 400, 400, 400, 400),
    "coaching:log_edit": (302, 404, 200, 404, 403, 403),
    "coaching:log_delete": (302, 404, 200, 404, 403, 403),
    "coaching:staff_dashboard": (302, 403, 403, 403, 200, 200),
    "coaching:deliverables": (302, 403, 200, 200, 200, 200),
    "coaching:deliverable_new": (302, 403, 200, 200, 400, 400),
    "coaching:deliverables_standard": (302, 405, 405, 405, 405, 405),
    "coaching:deliverable": (302, 404, 200, 404, 200, 200),
    "coaching:deliverable_attach": (302, 405, 405, 405, 405, 405),
    "coaching:document": (302, 404, 200, 404, 200, 200),
    "community:index": (302, 302, 302, 302, 302, 302),
    "community:join": (200, 302, 302, 302, 302, 302),
    "community:sessions": (302, 200, 403, 403, 200, 200),
    "community:sessions_past": (302, 200, 403, 403, 200, 200),
    "community:session_detail": (302, 200, 403, 403, 200, 200),
    "community:session_register": (302, 405, 405, 405, 405, 405),
    "community:session_cancel": (302, 405, 405, 405, 405, 405),
    "community:session_ics": (302, 404, 404, 404, 404, 404),
    "community:session_slides": (302, 404, 403, 403, 404, 404),
    "community:series_feed": (404, 404, 404, 404, 404, 404),
    "community:webinar": (200, 200, 200, 200, 200, 200),
    "community:newsletter": (200, 200, 200, 200, 200, 200),
    "community:newsletter_confirm": (400, 400, 400, 400, 400, 400),
    "community:newsletter_unsubscribe": (404, 404, 404, 404, 404, 404),
    "community:staff_sessions": (302, 403, 403, 403, 200, 200),
    "community:staff_session": (302, 403, 403, 403, 200, 200),
    "community:staff_attendance": (302, 403, 403, 403, 405, 405),
    "community:staff_attendance_import": (302, 403, 403, 403, 405, 405),
    "community:staff_materials": (302, 403, 403, 403, 405, 405),
    "community:staff_followup": (302, 403, 403, 403, 405, 405),
    "community:staff_registration_cancel": (302, 403, 403, 403, 405, 405),
    "community:staff_session_csv": (302, 403, 403, 403, 200, 200),
    "community:staff_promote": (302, 403, 403, 403, 405, 405),
    "community:staff_participation": (302, 403, 403, 403, 200, 200),
    "community:staff_subscribers": (302, 403, 403, 403, 200, 200),
    "community:staff_issues": (302, 403, 403, 403, 200, 200),
    "community:staff_issue_new": (302, 403, 403, 403, 200, 200),
    "community:staff_issue_detail": (302, 403, 403, 403, 200, 200),
    "community:staff_issue_test": (302, 403, 403, 403, 405, 405),
    "community:staff_issue_send": (302, 403, 403, 403, 405, 405),
    "community:staff_issue_confirm_late": (302, 403, 403, 403, 405, 405),
    "community:staff_issue_schedule": (302, 403, 403, 403, 405, 405),
    "community:staff_issue_edit": (302, 403, 403, 403, 200, 200),
    "community:staff_issue_progress": (302, 403, 403, 403, 200, 200),
    "community:staff_issue_progress_json": (302, 403, 403, 403, 200, 200),
    "outbox:email_events": (405, 405, 405, 405, 405, 405),
    "calldata:index": (302, 403, 200, 200, 200, 200),
    "calldata:dataset": (302, 403, 200, 404, 200, 200),
    "calldata:mapping": (302, 403, 302, 404, 302, 302),
    "calldata:progress": (302, 403, 200, 404, 200, 200),
    "calldata:cancel": (302, 405, 405, 405, 405, 405),
    "calldata:file": (302, 403, 200, 404, 200, 200),
    "calldata:volume": (302, 403, 302, 404, 302, 302),
    "calldata:taxonomy": (302, 403, 200, 404, 200, 200),
    "calldata:scenarios": (302, 403, 200, 404, 200, 200),
    "calldata:scenario_new": (302, 403, 200, 404, 200, 200),
    "calldata:scenario_preview": (302, 405, 405, 405, 405, 405),
    "calldata:scenarios_csv": (302, 403, 200, 404, 200, 200),
    "calldata:scenario": (302, 403, 200, 404, 200, 200),
    "calldata:scenario_brief": (302, 403, 200, 404, 200, 200),
    "calldata:trees": (302, 403, 200, 404, 200, 200),
    "calldata:tree_redraw": (302, 405, 405, 405, 405, 405),
    "calldata:tree_blank": (302, 405, 405, 405, 405, 405),
    "calldata:tree_change": (302, 405, 405, 405, 405, 405),
    "calldata:tree_save": (302, 405, 405, 405, 405, 405),
    "calldata:tree_save_json": (302, 405, 405, 405, 405, 405),
    "calldata:tree": (302, 403, 200, 404, 200, 200),
    "calldata:outcomes": (302, 403, 200, 404, 200, 200),
    "calldata:outcome_record": (302, 405, 405, 405, 405, 405),
    "calldata:outcomes_import": (302, 405, 405, 405, 405, 405),
    "calldata:reading": (302, 403, 200, 404, 200, 200),
    "calldata:cohorts": (302, 403, 302, 302, 302, 302),
    "calldata:cohort_compare": (302, 403, 200, 200, 200, 200),
    "calldata:cohort_compare_csv": (302, 403, 200, 200, 200, 200),
    "calldata:cohort_sharing": (302, 405, 405, 405, 405, 405),
    "calldata:dictionary": (302, 403, 403, 403, 200, 200),
    "calldata:dictionary_entry": (302, 403, 403, 403, 200, 200),
    "calldata:dictionary_preview": (302, 405, 405, 405, 405, 405),
    "calldata:dictionary_entry_preview": (302, 405, 405, 405, 405, 405),
    "calldata:dictionary_delete": (302, 405, 405, 405, 405, 405),
    "calldata:dataset_delete": (302, 403, 200, 404, 200, 200),
    "calldata:combine": (302, 403, 200, 404, 200, 200),
    "calldata:code_tables": (302, 403, 200, 200, 200, 200),
    "calldata:code_table": (302, 403, 200, 404, 200, 200),
    "calldata:code_table_delete": (302, 405, 405, 405, 405, 405),
    "api-me": (403, 200, 200, 200, 200, 200),
    "api-token": (405, 405, 405, 405, 405, 405),
    "jurisdiction-list": (403, 200, 200, 200, 200, 200),
    "jurisdiction-detail": (403, 404, 200, 404, 200, 200),
    "cohort-membership-list": (403, 200, 200, 200, 200, 200),
    "cohort-membership-detail": (403, 404, 200, 404, 200, 200),
    "mou-list": (403, 200, 200, 200, 200, 200),
    "mou-detail": (403, 404, 200, 404, 200, 200),
    "mou-transition": (403, 405, 405, 405, 405, 405),
    "support-letter-list": (403, 200, 200, 200, 200, 200),
    "support-letter-detail": (403, 404, 200, 404, 200, 200),
    "resource-list": (403, 200, 200, 200, 200, 200),
    "resource-detail": (403, 200, 200, 200, 200, 200),
    "cohort-list": (200, 200, 200, 200, 200, 200),
    "cohort-detail": (200, 200, 200, 200, 200, 200),
    "application-list": (403, 200, 200, 200, 200, 200),
    "application-detail": (403, 404, 200, 404, 200, 200),
    "application-transition": (403, 405, 405, 405, 405, 405),
    "review-list": (403, 403, 403, 403, 200, 200),
    "review-detail": (403, 403, 403, 403, 200, 404),
    "coaching-log-list": (403, 200, 200, 200, 200, 200),
    "coaching-log-detail": (403, 404, 200, 404, 200, 200),
    "coaching-deliverable-list": (403, 200, 200, 200, 200, 200),
    "coaching-deliverable-detail": (403, 404, 200, 404, 200, 200),
    "calldata-dataset-list": (403, 200, 200, 200, 200, 200),
    "calldata-dataset-detail": (403, 404, 200, 404, 200, 200),
    "calldata-dataset-mapping": (403, 405, 405, 405, 405, 405),
    "calldata-scenario-list": (403, 200, 200, 200, 200, 200),
    "calldata-scenario-detail": (403, 404, 200, 404, 200, 200),
    "calldata-scenario-results": (403, 404, 409, 404, 409, 409),
    "calldata-tree-list": (403, 200, 200, 200, 200, 200),
    "calldata-tree-detail": (403, 404, 200, 404, 200, 200),
    "calldata-outcome-list": (403, 200, 200, 200, 200, 200),
    "calldata-reading-settings-list": (403, 403, 200, 200, 200, 200),
    "calldata-reading-settings-detail": (403, 403, 200, 404, 200, 200),
    "calldata-dataset-combine": (403, 405, 405, 405, 405, 405),
    "calldata-code-table-list": (403, 200, 200, 200, 200, 200),
    "calldata-code-table-detail": (403, 404, 200, 404, 200, 200),
    "calldata-cohort-comparison": (403, 403, 200, 200, 200, 200),
    "api-schema": (200, 200, 200, 200, 200, 200),
    "api-docs": (200, 200, 200, 200, 200, 200),
}

PK_OBJECT = [
    (r"^applications:(document|document_delete)$", "application"),
    (r"^applications:(letter|letter_upload|letters_request)$", "application"),
    (r"^applications:", "application"),
    (r"^jurisdictions:(detail|team_new|team_edit|agency_add|person_add)$", "jurisdiction"),
    (r"^jurisdictions:seat", "membership"),
    (r"^jurisdictions:mou_download$", "mou"),
    (r"^jurisdictions:letter_download$", "letter"),
    (r"^jurisdictions:resource_", "shared:resource"),
    (r"^coaching:log_", "log"),
    (r"^coaching:deliverable(_attach)?$", "deliverable"),
    (r"^coaching:document$", "deliverable_document"),
    (r"^community:webinar$", "shared:webinar"),
    (r"^community:(staff_)?session", "shared:session"),
    (r"^community:staff_(promote|attendance|materials|followup|registration)", "shared:session"),
    (r"^community:staff_issue", "shared:issue"),
    (r"^calldata:(dataset|dataset_delete|mapping|progress|cancel|file|volume)$", "dataset"),
    (r"^calldata:code_table", "code_table"),
    (r"^calldata:scenario", "scenario"),
    (r"^calldata:tree$", "tree"),
    (r"^calldata:dictionary_", "shared:dictionary_entry"),
    (r"^jurisdiction-detail$", "jurisdiction"),
    (r"^mou-(detail|transition)$", "mou"),
    (r"^support-letter-detail$", "letter"),
    (r"^resource-detail$", "shared:resource"),
    (r"^cohort-membership-detail$", "membership"),
    (r"^application-(detail|transition)$", "application"),
    (r"^review-detail$", "review"),
    (r"^coaching-log-detail$", "log"),
    (r"^coaching-deliverable-detail$", "deliverable"),
    (r"^calldata-dataset-", "dataset"),
    (r"^calldata-code-table-", "code_table"),
    (r"^calldata-scenario-", "scenario"),
    (r"^calldata-tree-", "tree"),
    (r"^calldata-cohort-", "cohort"),
]


def walk(patterns, ns=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            n = ns
            if p.namespace:
                n = (ns + ":" if ns else "") + p.namespace
            yield from walk(p.url_patterns, n)
        elif isinstance(p, URLPattern) and p.name:
            yield (ns + ":" if ns else "") + p.name, p


def kwargs_for(name, pattern, side, shared, cohort):
    kwargs = {}
    for key in pattern.pattern.regex.groupindex:
        if key == "pk":
            target = next(obj for rx, obj in PK_OBJECT if re.search(rx, name))
            if target.startswith("shared:"):
                kwargs[key] = shared[target[7:]].pk
            elif target == "jurisdiction":
                kwargs[key] = side.jurisdiction.pk
            elif target == "cohort":
                kwargs[key] = cohort.pk
            else:
                kwargs[key] = side[target].pk
        elif key == "jurisdiction_id":
            kwargs[key] = side.jurisdiction.pk
        elif key == "slug":
            kwargs[key] = cohort.slug
        elif key == "cohort_id":
            kwargs[key] = cohort.pk
        elif key == "document_pk":
            kwargs[key] = side["document"].pk
        elif key == "letter_pk":
            kwargs[key] = side["letter"].pk
        elif key == "registration_pk":
            kwargs[key] = shared["registration"].pk
        elif key == "team_pk":
            kwargs[key] = side["team"].pk
        elif key in ("token", "uidb64"):
            kwargs[key] = "not-a-real-token"
        elif key == "format":
            continue
        else:
            raise AssertionError(f"no value for {key} in {name}")
    return kwargs


def _url_names():
    names = {}
    for name, pattern in walk(get_resolver().url_patterns):
        if name.startswith("admin:") and name != "admin:index":
            continue  # the admin checks its own permissions; its index is in the matrix
        if "format" in pattern.pattern.regex.groupindex:
            continue  # DRF's format-suffix twins of listed endpoints
        names[name] = pattern
    return names


def test_every_url_has_a_row_in_the_matrix():
    names = set(_url_names())
    missing = sorted(names - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    assert not missing, f"URLs without a row in the permission matrix: {missing}"
    assert not stale, f"rows for URLs that no longer exist: {stale}"


# Template syntax that reached the browser: a `{# #}` comment split over two lines, a tag or a
# variable in a file Django did not render as a template.
TEMPLATE_SOURCE = re.compile(r"\{#|\{%|\{\{")
# Placeholders a page shows on purpose (the decision emails' `{{ jurisdiction }}`, explained in
# <code> and edited in a <textarea> or an input's value) are not leaks.
SHOWN_ON_PURPOSE = re.compile(r"<(code|textarea)\b[^>]*>.*?</\1>|\bvalue=\"[^\"]*\"", re.DOTALL)
# Pages whose own code legitimately prints braces (Swagger UI's bundled page).
SOURCE_CHECK_SKIPPED = {"api-docs"}


def _answers(staff_user, reviewer_user, contact_a, contact_b, practitioner):
    """Every URL of the matrix, GET as every role on A's and on B's objects.

    Yields (name, url, role, side name, expected status, response).
    """
    cohort = CohortFactory()
    sides = {
        "A": build_side(contact_a.contact_jurisdiction, contact_a, cohort, staff_user),
        "B": build_side(contact_b.contact_jurisdiction, contact_b, cohort, staff_user),
    }
    for side in sides.values():
        side.objects["review"] = ReviewFactory(
            application=side["application"], reviewer=reviewer_user
        )
    shared = build_shared(staff_user)
    users = {
        "practitioner": practitioner, "contact_a": contact_a, "contact_b": contact_b,
        "reviewer": reviewer_user, "staff": staff_user,
    }  # fmt: skip
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    for name, pattern in _url_names().items():
        for side_name, side in sides.items():
            expected = dict(zip(ROLES, MATRIX[name], strict=True))
            if side_name == "B":
                expected["contact_a"], expected["contact_b"] = (
                    expected["contact_b"], expected["contact_a"],
                )  # fmt: skip
            url = reverse(name, kwargs=kwargs_for(name, pattern, side, shared, cohort))
            for role, client in clients.items():
                response = client.get(url)
                if response.streaming:
                    # Read to the end: the client's wrapper then closes the file without
                    # firing request_finished (which would close the test's DB connection).
                    b"".join(response.streaming_content)
                yield name, url, role, side_name, expected[role], response


def test_each_role_gets_the_expected_answer_and_no_page_shows_template_source(
    staff_user, reviewer_user, contact_a, contact_b, practitioner
):
    """One walk of the matrix (it is the slowest test of the suite) checks two things: the
    status each role gets, and that no HTML page it answers shows template source."""
    wrong = []
    source = []
    for name, url, role, side_name, expected, response in _answers(
        staff_user, reviewer_user, contact_a, contact_b, practitioner
    ):
        if response.status_code != expected:
            wrong.append(
                f"{name} ({url}) as {role} on {side_name}'s objects: "
                f"{response.status_code}, expected {expected}"
            )
        if (
            not response.streaming
            and name not in SOURCE_CHECK_SKIPPED
            and response.get("Content-Type", "").startswith("text/html")
        ):
            text = SHOWN_ON_PURPOSE.sub("", response.content.decode())
            found = TEMPLATE_SOURCE.search(text)
            if found:
                start = max(found.start() - 60, 0)
                source.append(
                    f"{name} ({url}) as {role}: template source {text[start : found.end() + 60]!r}"
                )
    assert not wrong, "\n".join(wrong)
    assert not source, "\n".join(source)
