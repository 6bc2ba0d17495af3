"""axe-core on every page of every role, generated from the permission matrix.

For each role (anonymous, practitioner, contact of A, contact of B, reviewer, staff) one logged-in
browser context opens every URL the matrix lets that role open (200, a 302 that is the page's own
answer, a 400 page that asks for parameters), in the world the matrix is checked against, and
runs axe with the WCAG 2.0/2.1 A and AA tags. Non-HTML answers (CSV, .ics, PDF, files, JSON)
and redirects are left out by what the browser receives, and the API's browsable pages by their
path. A new URL is covered as soon as it has its row in MATRIX.

The world adds what the matrix's world leaves out because its pages need it: a call-data
dataset that is really imported (so the analysis pages draw their charts), a scenario and an
outcome on it, and a draft application whose applicant sees the form. Staff also open the
admin's changelist and change form of each app's main models (ADMIN_MODELS).

Every violation of a role is collected and reported in one list: url, rule, impact, targets.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse

from tests.applications.factories import CompleteApplicationFactory, ReviewFactory, with_contact
from tests.calldata import files
from tests.calldata.conftest import upload
from tests.cohorts.factories import CohortFactory
from tests.e2e.conftest import add_session_cookie, axe_lines, axe_serious, axe_source
from tests.permission_world import build_shared, build_side
from tests.test_permission_matrix import MATRIX, ROLES, _url_names, kwargs_for

pytestmark = pytest.mark.django_db(transaction=True)

# Answers worth opening: the page itself, a redirect that may land on its own page (a
# submitted application's edit page, an analysis page before the import), a page asking for
# parameters.
OPENED = (200, 302, 400)
NOT_PAGES = ("/api/v1/", "/api/schema/")
# The admin pages staff use most: each app's main models (their widgets cover the rest).
ADMIN_MODELS = [
    "accounts.User", "outbox.EmailDelivery", "jurisdictions.Jurisdiction",
    "cohorts.CohortMembership", "jurisdictions.MoU", "jurisdictions.Resource",
    "cohorts.Cohort", "applications.Application", "applications.Review",
    "coaching.CoachingLog", "coaching.Deliverable", "community.Membership", "community.Session",
    "community.NewsletterIssue", "calldata.Dataset", "calldata.Scenario",
]  # fmt: skip
# Pages drawn by script after they load: what to wait for before axe looks at them.
DRAWN = {"/api/docs/": ".swagger-ui .opblock"}


def _imported_dataset(side, contact) -> None:
    """Swap the matrix world's bare dataset for one really imported, with a scenario on it."""
    from calldata import services

    dataset = services.dataset_upload(
        user=contact,
        jurisdiction=side.jurisdiction,
        upload=upload("cad-export.csv", files.csv_text().encode()),
    )
    # Autocommit: the import queued on commit runs at once, eagerly.
    services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=contact)
    dataset.refresh_from_db()
    assert dataset.status == "done", dataset.error
    side.objects["dataset"] = dataset
    side.objects["scenario"] = services.scenario_save(
        jurisdiction=side.jurisdiction,
        user=contact,
        name="Welfare checks by a civilian team",
        criteria={},
        dataset=dataset,
    )
    services.outcome_create(
        jurisdiction=side.jurisdiction,
        user=contact,
        occurred_on=dt.date(2024, 3, 20),
        call_type="WELFARE CHECK",
        response_min=12,
        on_scene_min=35,
        outcome="resolved",
    )


@pytest.fixture
def world(staff_user, reviewer_user, contact_a, contact_b, practitioner):
    cohort = CohortFactory()
    sides = {
        "A": build_side(contact_a.contact_jurisdiction, contact_a, cohort, staff_user),
        "B": build_side(contact_b.contact_jurisdiction, contact_b, cohort, staff_user),
    }
    drafts = {}
    for name, side in sides.items():
        side.objects["review"] = ReviewFactory(
            application=side["application"], reviewer=reviewer_user
        )
        contact = contact_a if name == "A" else contact_b
        _imported_dataset(side, contact)
        draft = CompleteApplicationFactory(
            cohort=CohortFactory(), jurisdiction=side.jurisdiction, status="draft"
        )
        drafts[name] = with_contact(draft, contact)
    users = {
        "practitioner": practitioner, "contact_a": contact_a, "contact_b": contact_b,
        "reviewer": reviewer_user, "staff": staff_user,
    }  # fmt: skip
    return {
        "cohort": cohort,
        "sides": sides,
        "shared": build_shared(staff_user),
        "users": users,
        "drafts": drafts,
    }


def _urls_for(role: str, world: dict) -> list[str]:
    """The URLs the matrix lets this role open, on the objects of its own side."""
    side_name = "B" if role == "contact_b" else "A"
    side = world["sides"][side_name]
    column = ROLES.index("contact_a" if role == "contact_b" else role)
    urls = []
    for name, pattern in _url_names().items():
        status = MATRIX[name][column]
        if status not in OPENED or (role == "anonymous" and status == 302):
            continue
        kwargs = kwargs_for(name, pattern, side, world["shared"], world["cohort"])
        url = reverse(name, kwargs=kwargs)
        if not url.startswith(NOT_PAGES):
            urls.append(url)
    if role.startswith("contact_"):
        urls.append(reverse("applications:edit", args=[world["drafts"][side_name].pk]))
    if role == "staff":
        urls += _admin_urls()
    return urls


def _admin_urls() -> list[str]:
    """The changelist and the change form (of the first object) of each app's main models."""
    urls = []
    for label in ADMIN_MODELS:
        model = apps.get_model(label)
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


def _logged_in_context(browser, base_url: str, user):
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    context.set_default_timeout(15_000)
    if user is not None:
        add_session_cookie(context, base_url, user)
    return context


def _audit(page, url: str, source: str, errors: list[str]) -> list[str] | None:
    """What is wrong on one page (its serious/critical axe violations and JavaScript errors),
    or None when the URL answers with something other than an HTML page of its own."""
    errors.clear()
    try:
        response = page.goto(url, wait_until="load")
    except Exception as error:
        if "Download is starting" in str(error):
            return None  # a file (PDF, CSV, .ics) sent as a download
        return [f"{url}: the page did not load: {error}"]
    if response is None or response.status >= 500:
        return [f"{url}: answered {response.status if response else 'nothing'}"]
    if not response.headers.get("content-type", "").startswith("text/html"):
        return None
    if response.request.redirected_from is not None:
        return None  # a redirect: its target is checked under its own row
    if response.status in (403, 404, 405):
        return None  # not this role's page after all (admin models it has no permission on)
    if url in DRAWN:
        page.locator(DRAWN[url]).first.wait_for()
    problems = [f"{url}: JavaScript error: {error}" for error in errors]
    problems += [f"{url}: a chart without a text alternative: {c}" for c in _unnamed_charts(page)]
    problems += [f"{url}: {line}" for line in axe_lines(axe_serious(page, source), nodes=8)]
    return problems


def _unnamed_charts(page) -> list[str]:
    """Plotly charts (whose SVG axe does not judge) that carry no accessible name (WCAG 1.1.1)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(".js-plotly-plot"))
          .filter(el => !el.closest("[role=img][aria-label]") && !(
            document.getElementById(el.getAttribute("aria-describedby") || "")?.textContent.trim()))
          .map(el => el.id || el.className)"""
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_the_role_may_open_has_no_serious_axe_violation(
    role, world, browser, live_server, record_property
):
    source = axe_source()
    context = _logged_in_context(browser, live_server.url, world["users"].get(role))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    urls = _urls_for(role, world)
    problems: list[str] = []
    checked = []
    try:
        for url in urls:
            found = _audit(page, url, source, errors)
            if found is not None:
                checked.append(url)
                problems += found
    finally:
        context.close()
    record_property("pages_checked", len(checked))
    print(f"{role}: axe ran on {len(checked)} of {len(urls)} URLs")  # noqa: T201 (shown with -s)
    assert checked, f"no page was checked as {role}"
    assert not problems, (
        f"{len(problems)} problems on {len(checked)} pages as {role}:\n" + "\n".join(problems)
    )
