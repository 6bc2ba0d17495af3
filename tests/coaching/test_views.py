import datetime as dt
import random

import pytest
import time_machine
from django.urls import reverse

from coaching.models import CoachingLog, CoachingSettings, Workstream
from tests.accounts.factories import UserFactory
from tests.coaching.factories import CoachingLogFactory, DeliverableFactory
from tests.cohorts.factories import CohortFactory, CohortMembershipFactory

pytestmark = pytest.mark.django_db

K = CoachingLog.Kind
NOW = dt.datetime(2021, 10, 15, 16, tzinfo=dt.UTC)  # a Friday


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _week_post(rows, **extra):
    data = {"form-TOTAL_FORMS": "7", "form-INITIAL_FORMS": "0", **extra}
    monday = dt.date(2021, 10, 11)
    for i in range(7):
        data[f"form-{i}-date"] = (monday + dt.timedelta(days=i)).isoformat()
        for key, value in rows.get(i, {}).items():
            data[f"form-{i}-{key}"] = value
    return data


def test_a_contact_logs_a_week_from_the_grid(contact_a_client, jurisdiction_a, staff_user):
    rows = {
        0: {"duration": "1.5", "kind": K.ONE_ON_ONE, "workstream": Workstream.CALL_ANALYSIS,
            "staff_member": staff_user.pk, "notes": "CAD export"},
        2: {"duration": "1:30", "kind": K.ONE_ON_ONE, "workstream": Workstream.DECISION_TREE},
        3: {"duration": "2", "kind": K.ONE_ON_ONE, "workstream": Workstream.HIRING},
        4: {"duration": "45m", "kind": K.GROUP_CALL, "workstream": Workstream.OTHER},
    }  # fmt: skip
    response = contact_a_client.post(
        reverse("coaching:week") + "?week=2021-10-11", _week_post(rows), follow=True
    )
    assert response.status_code == 200
    logs = CoachingLog.objects.filter(jurisdiction=jurisdiction_a).order_by("date")
    assert [(log.date.day, log.duration_minutes) for log in logs] == [
        (11, 90), (13, 90), (14, 120), (15, 45),
    ]  # fmt: skip
    page = response.content.decode()
    assert "Saved 4 entries" in page
    assert "5 hours of 1:1 coaching" in page
    assert "above the 4-hour weekly commitment" in page


def test_a_bad_row_saves_nothing_and_keeps_every_answer(contact_a_client, jurisdiction_a):
    rows = {
        0: {"duration": "1.5", "kind": K.ONE_ON_ONE, "workstream": Workstream.CALL_ANALYSIS,
            "notes": "keep me"},
        1: {"duration": "0.3", "kind": K.ONE_ON_ONE, "workstream": Workstream.RFP},
        2: {"duration": "1", "notes": "no kind"},
    }  # fmt: skip
    response = contact_a_client.post(reverse("coaching:week"), _week_post(rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Use 15-minute steps" in page
    assert "Choose the kind of work." in page
    assert 'value="keep me"' in page and 'value="1.5"' in page
    assert not CoachingLog.objects.exists()


def test_an_empty_week_asks_for_hours(contact_a_client):
    response = contact_a_client.post(reverse("coaching:week"), _week_post({}))
    assert "fill in the hours of at least one day" in response.content.decode()


def test_the_week_grid_refuses_a_bad_week_date(contact_a_client):
    response = contact_a_client.get(reverse("coaching:week") + "?week=next-tuesday")
    assert response.status_code == 400
    assert "is not a date" in response.content.decode()


def test_the_week_grid_lists_the_weeks_entries(contact_a_client, contact_a, jurisdiction_a):
    CoachingLogFactory(jurisdiction=jurisdiction_a, author=contact_a, date=dt.date(2021, 10, 12))
    response = contact_a_client.get(reverse("coaching:week"))
    assert response.status_code == 200
    assert "Week of October 11, 2021" in response.content.decode()
    assert "1 h · 1:1 coaching" in response.content.decode()


def test_a_practitioner_cannot_use_the_week_grid(practitioner_client):
    assert practitioner_client.get(reverse("coaching:week")).status_code == 403


def test_the_overview_shows_the_chart_data_and_commitments(contact_a_client, jurisdiction_a):
    cohort = CohortFactory(starts_on=dt.date(2021, 9, 1))
    CohortMembershipFactory(cohort=cohort, jurisdiction=jurisdiction_a)
    CoachingLogFactory(jurisdiction=jurisdiction_a, date=dt.date(2021, 10, 12), duration_minutes=90)
    response = contact_a_client.get(reverse("coaching:overview"))
    page = response.content.decode()
    assert 'id="coaching-chart-data"' in page
    assert "911 call analysis" in page
    assert "vendor/plotly/plotly.min.js" in page
    assert "<script>" not in page  # CSP: no inline code


def test_another_jurisdictions_contact_cannot_see_or_guess_entries(
    contact_a, contact_b_client, jurisdiction_a
):
    log = CoachingLogFactory(jurisdiction=jurisdiction_a, author=contact_a, notes="secret plan")
    for url in (
        reverse("coaching:log_edit", args=[log.pk]),
        reverse("coaching:log_delete", args=[log.pk]),
    ):
        assert contact_b_client.get(url).status_code == 404
    assert contact_b_client.post(reverse("coaching:log_delete", args=[log.pk])).status_code == 404
    # Asking for jurisdiction A by id is ignored for a contact: they see their own.
    page = contact_b_client.get(
        reverse("coaching:overview") + f"?jurisdiction={jurisdiction_a.pk}"
    ).content.decode()
    assert "secret plan" not in page and "Durham" not in page
    export = contact_b_client.get(
        reverse("coaching:export")
        + f"?start=2021-01-01&end=2021-12-31&jurisdiction={jurisdiction_a.pk}"
    )
    assert "secret plan" not in b"".join(export.streaming_content).decode()
    listing = contact_b_client.get(reverse("coaching:logs") + "?start=2021-01-01&end=2021-12-31")
    assert "secret plan" not in listing.content.decode()
    assert contact_b_client.get(f"/api/v1/coaching/logs/{log.pk}/").status_code == 404
    assert contact_b_client.get("/api/v1/coaching/logs/").json()["count"] == 0


def test_a_staff_member_cannot_edit_a_contacts_entry_and_sees_why(
    staff_client, contact_a, jurisdiction_a
):
    log = CoachingLogFactory(jurisdiction=jurisdiction_a, author=contact_a)
    response = staff_client.get(reverse("coaching:log_edit", args=[log.pk]))
    assert response.status_code == 403
    assert "Only the person who wrote an entry" in response.content.decode()


def test_the_author_edits_and_deletes_an_entry(contact_a_client, contact_a, jurisdiction_a):
    log = CoachingLogFactory(
        jurisdiction=jurisdiction_a, author=contact_a, date=dt.date(2021, 10, 12)
    )
    response = contact_a_client.post(
        reverse("coaching:log_edit", args=[log.pk]),
        {"date": "2021-10-13", "duration": "2.25", "kind": K.INDEPENDENT,
         "workstream": Workstream.RFP, "notes": "draft", "next_steps": "send"},
    )  # fmt: skip
    assert response.status_code == 302
    log.refresh_from_db()
    assert (log.date, log.duration_minutes, log.kind) == (dt.date(2021, 10, 13), 135, K.INDEPENDENT)
    bad = contact_a_client.post(
        reverse("coaching:log_edit", args=[log.pk]),
        {"date": "2021-10-13", "duration": "abc", "kind": K.INDEPENDENT, "workstream": "rfp"},
    )
    assert bad.status_code == 200 and "Write the time in hours" in bad.content.decode()
    assert contact_a_client.post(reverse("coaching:log_delete", args=[log.pk])).status_code == 302
    assert not CoachingLog.objects.filter(pk=log.pk).exists()


def test_the_export_is_a_csv_of_the_date_range(contact_a_client, contact_a, jurisdiction_a):
    CoachingLogFactory(jurisdiction=jurisdiction_a, author=contact_a, date=dt.date(2021, 10, 4),
                       notes="=HYPERLINK(evil)")  # fmt: skip
    CoachingLogFactory(jurisdiction=jurisdiction_a, author=contact_a, date=dt.date(2021, 9, 4))
    response = contact_a_client.get(reverse("coaching:export") + "?start=2021-10-01&end=2021-10-31")
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 2
    assert "2021-10-04" in lines[1] and "'=HYPERLINK(evil)" in lines[1]


def test_the_export_refuses_a_backwards_range(contact_a_client):
    response = contact_a_client.get(reverse("coaching:export") + "?start=2021-10-31&end=2021-10-01")
    assert response.status_code == 400
    assert "before the start" in response.content.decode()


def test_staff_export_every_jurisdiction(staff_client, jurisdiction_a, jurisdiction_b):
    CoachingLogFactory(jurisdiction=jurisdiction_a)
    CoachingLogFactory(jurisdiction=jurisdiction_b)
    response = staff_client.get(reverse("coaching:export") + "?start=2021-01-01&end=2021-12-31")
    assert len(b"".join(response.streaming_content).decode().strip().splitlines()) == 3


def test_contacts_and_practitioners_cannot_open_the_staff_dashboard(
    contact_a_client, practitioner_client, client
):
    assert contact_a_client.get(reverse("coaching:staff_dashboard")).status_code == 403
    assert practitioner_client.get(reverse("coaching:staff_dashboard")).status_code == 403
    assert client.get(reverse("coaching:staff_dashboard")).status_code == 302


def test_the_staff_dashboard_refuses_an_unknown_cohort(staff_client):
    response = staff_client.get(reverse("coaching:staff_dashboard") + "?cohort=nope")
    assert response.status_code == 400


def test_the_staff_dashboard_with_60_jurisdictions_and_20000_entries_uses_few_queries(
    staff_client, staff_user, django_assert_max_num_queries
):
    cohort = CohortFactory(starts_on=dt.date(2021, 9, 1))
    zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
             "America/Los_Angeles"]  # fmt: skip
    from cohorts.models import CohortMembership
    from jurisdictions.models import Jurisdiction

    jurisdictions = Jurisdiction.objects.bulk_create(
        [
            Jurisdiction(name=f"Town {i}", kind="city", state="NC", time_zone=zones[i % 5])
            for i in range(60)
        ]
    )
    CohortMembership.objects.bulk_create(
        [CohortMembership(cohort=cohort, jurisdiction=j, status="enrolled") for j in jurisdictions]
    )
    author = UserFactory()
    rng = random.Random(4)
    kinds, workstreams = K.values, Workstream.values
    logs = [
        CoachingLog(
            jurisdiction=jurisdictions[i % 60],
            author=author,
            side="jurisdiction",
            date=dt.date(2021, 9, 1) + dt.timedelta(days=rng.randrange(44)),
            duration_minutes=15 * rng.randint(1, 8),
            kind=kinds[i % 3],
            workstream=workstreams[i % len(workstreams)],
        )
        for i in range(20_000)
    ]
    CoachingLog.objects.bulk_create(logs, batch_size=2000)
    DeliverableFactory(jurisdiction=jurisdictions[0], due_on=dt.date(2021, 10, 1))
    expected_total = sum(log.duration_minutes for log in logs if log.kind == K.ONE_ON_ONE)
    with django_assert_max_num_queries(14):
        response = staff_client.get(reverse("coaching:staff_dashboard"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 60
    assert sum(row.year["one_on_one"] for row in rows) == expected_total
    assert rows[0].overdue == 1


def test_the_deliverable_pages_work_for_the_contact_and_not_for_another(
    contact_a_client, contact_b_client, contact_a, jurisdiction_a
):
    from tests.jurisdictions.factories import pdf_upload

    deliverable = DeliverableFactory(jurisdiction=jurisdiction_a, due_on=dt.date(2021, 10, 1))
    listing = contact_a_client.get(reverse("coaching:deliverables")).content.decode()
    assert deliverable.title in listing and "overdue" in listing
    url = reverse("coaching:deliverable", args=[deliverable.pk])
    attach = reverse("coaching:deliverable_attach", args=[deliverable.pk])
    assert contact_b_client.get(url).status_code == 404
    response = contact_a_client.post(
        url,
        {"workstream": "hiring", "title": deliverable.title, "due_on": "2021-10-01",
         "status": "in_review", "owner": contact_a.pk, "description": ""},
    )  # fmt: skip
    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.status == "in_review"
    response = contact_a_client.post(attach, {"file": pdf_upload("draft.pdf")})
    assert response.status_code == 302
    document = deliverable.documents.get()
    assert contact_b_client.get(reverse("coaching:document", args=[document.pk])).status_code == 404
    download = contact_a_client.get(reverse("coaching:document", args=[document.pk]))
    assert download.status_code == 200 and "draft.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    junk = contact_a_client.post(attach, {"file": _junk_upload()}).content.decode()
    assert "a type we cannot read" in junk


def _junk_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.exe", b"MZ\x90\x00\x03\x00\x00\x00" * 100)


def test_overdue_deliverables_appear_on_both_home_pages(
    contact_a_client, staff_client, contact_b_client, jurisdiction_a
):
    DeliverableFactory(
        jurisdiction=jurisdiction_a, title="Call-for-service analysis", due_on=dt.date(2021, 10, 1)
    )
    for client in (contact_a_client, staff_client):
        page = client.get(reverse("home")).content.decode()
        assert "Overdue deliverables" in page and "Call-for-service analysis" in page
    assert "Call-for-service analysis" not in contact_b_client.get(reverse("home")).content.decode()
    assert "Coaching this week" in contact_a_client.get(reverse("home")).content.decode()


def test_a_new_deliverable_is_added_by_staff_for_a_jurisdiction(staff_client, jurisdiction_a):
    url = reverse("coaching:deliverable_new") + f"?jurisdiction={jurisdiction_a.pk}"
    response = staff_client.post(
        url,
        {
            "workstream": "rfp",
            "title": "RFP draft",
            "due_on": "2021-12-01",
            "status": "not_started",
        },
    )
    assert response.status_code == 302
    assert jurisdiction_a.deliverables.get().title == "RFP draft"
    assert staff_client.get(reverse("coaching:deliverable_new")).status_code == 400


def test_staff_log_their_side_of_a_session_from_the_week_grid_and_it_counts_once(
    staff_client, staff_user, contact_a, jurisdiction_a
):
    from coaching.services import coaching_log_create

    contact_entry = coaching_log_create(
        jurisdiction=jurisdiction_a, author=contact_a, date=dt.date(2021, 10, 12),
        duration_minutes=60, kind=K.ONE_ON_ONE, workstream=Workstream.RFP, staff_member=staff_user,
    )  # fmt: skip
    assert staff_client.get(reverse("coaching:week")).status_code == 400  # which jurisdiction?
    rows = {1: {"duration": "1", "kind": K.ONE_ON_ONE, "workstream": Workstream.RFP}}
    response = staff_client.post(
        reverse("coaching:week") + f"?week=2021-10-11&jurisdiction={jurisdiction_a.pk}",
        _week_post(rows, jurisdiction=str(jurisdiction_a.pk)),
    )
    assert response.status_code == 302
    staff_entry = CoachingLog.objects.get(author=staff_user)
    assert staff_entry.side == CoachingLog.Side.PROGRAM
    assert staff_entry.pairs_with == contact_entry
    page = staff_client.get(reverse("coaching:overview") + f"?jurisdiction={jurisdiction_a.pk}")
    assert page.context["commitments"].week["one_on_one"] == 60  # not 120: counted once


def test_the_standard_deliverables_are_added_once(
    contact_a_client, contact_b_client, jurisdiction_a
):
    url = reverse("coaching:deliverables_standard")
    assert contact_a_client.post(url, {"first_due": "soon"}).status_code == 400
    assert contact_a_client.post(url, {"first_due": "2021-10-29"}).status_code == 302
    assert contact_a_client.post(url, {"first_due": "2021-10-29"}).status_code == 302
    titles = list(jurisdiction_a.deliverables.order_by("due_on").values_list("title", "due_on"))
    assert len(titles) == 8
    assert titles[0] == ("Call-for-service analysis", dt.date(2021, 10, 29))
    assert titles[1][1] == dt.date(2021, 11, 29)
    # Another contact naming Durham still only adds to their own jurisdiction.
    contact_b_client.post(url, {"first_due": "2021-10-29", "jurisdiction": jurisdiction_a.pk})
    assert jurisdiction_a.deliverables.count() == 8
    assert contact_a_client.get(url).status_code == 405


def test_on_the_night_dst_ends_the_grid_shows_the_local_week_and_takes_sunday(
    contact_a_client, contact_a, jurisdiction_a
):
    # 03:30 UTC on Mon Nov 8 is still Sunday Nov 7, 22:30 in Durham (clocks went back at 2:00).
    with time_machine.travel(dt.datetime(2021, 11, 8, 3, 30, tzinfo=dt.UTC), tick=False):
        contact_a_client.force_login(contact_a)  # a fresh session at the travelled time
        page = contact_a_client.get(reverse("coaching:week")).content.decode()
        assert "Week of November 1, 2021" in page
        assert page.count("Future day") == 0
        rows = {6: {"duration": "1", "kind": K.ONE_ON_ONE, "workstream": Workstream.RFP}}
        data = _week_post(rows)
        for i in range(7):
            data[f"form-{i}-date"] = (dt.date(2021, 11, 1) + dt.timedelta(days=i)).isoformat()
        response = contact_a_client.post(reverse("coaching:week"), data)
    assert response.status_code == 302
    log = CoachingLog.objects.get()
    assert (log.date, log.week_start) == (dt.date(2021, 11, 7), dt.date(2021, 11, 1))


def test_the_coaching_pages_use_few_queries_however_many_entries(
    contact_a_client, contact_a, jurisdiction_a, django_assert_max_num_queries
):
    cohort = CohortFactory(starts_on=dt.date(2021, 9, 1))
    CohortMembershipFactory(cohort=cohort, jurisdiction=jurisdiction_a)
    for day in range(11, 16):
        for _ in range(4):
            CoachingLogFactory(
                jurisdiction=jurisdiction_a, author=contact_a, date=dt.date(2021, 10, day)
            )
    for _ in range(10):
        DeliverableFactory(jurisdiction=jurisdiction_a)
    CoachingSettings.load()  # the settings row exists after the first page ever shown
    for url in (
        reverse("coaching:overview"),
        reverse("coaching:week"),
        reverse("coaching:logs") + "?start=2021-10-01&end=2021-10-31",
        reverse("coaching:deliverables"),
        "/api/v1/coaching/logs/",
    ):
        with django_assert_max_num_queries(14):
            assert contact_a_client.get(url).status_code == 200


def test_a_day_with_many_entries_shows_the_first_ones_and_links_to_the_rest(
    contact_a_client, contact_a, jurisdiction_a, jurisdiction_b
):
    from coaching.selectors import WEEK_ENTRIES_PER_DAY

    for minutes in [30] * WEEK_ENTRIES_PER_DAY + [60, 90]:
        CoachingLogFactory(
            jurisdiction=jurisdiction_a, author=contact_a, date=dt.date(2021, 10, 12),
            duration_minutes=minutes,
        )  # fmt: skip
    CoachingLogFactory(jurisdiction=jurisdiction_a, author=contact_a, date=dt.date(2021, 10, 13))
    CoachingLogFactory(jurisdiction=jurisdiction_b, date=dt.date(2021, 10, 12))
    page = contact_a_client.get(reverse("coaching:week")).content.decode()
    assert page.count("0.5 h · 1:1 coaching") == WEEK_ENTRIES_PER_DAY
    assert "1.5 h · 1:1 coaching" not in page
    assert page.count("1 h · 1:1 coaching") == 1  # Wednesday's, not Tuesday's third hour
    assert "2 more entries (2.5 h)" in page
    assert "?start=2021-10-12&amp;end=2021-10-12" in page
    assert page.count("more entr") == 1


def test_the_week_grid_costs_the_same_however_many_entries_a_day_holds(
    contact_a_client, contact_a, jurisdiction_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure():
        with CaptureQueriesContext(connection) as queries:
            page = contact_a_client.get(reverse("coaching:week")).content
        return len(queries), len(page)

    measure()  # the first page ever shown creates the settings row
    CoachingLogFactory.create_batch(
        10, jurisdiction=jurisdiction_a, author=contact_a, date=dt.date(2021, 10, 12)
    )
    few = measure()
    CoachingLogFactory.create_batch(
        200, jurisdiction=jurisdiction_a, author=contact_a, date=dt.date(2021, 10, 12)
    )
    many = measure()
    assert many[0] == few[0]
    assert many[1] - few[1] < 10  # only the count of the rest changes


def test_the_staff_menu_of_every_row_lists_staff_and_keeps_the_choice(contact_a_client, staff_user):
    page = contact_a_client.get(reverse("coaching:week") + "?week=2021-10-11").content.decode()
    # Monday to Friday are past or today (frozen on a Friday): five menus.
    assert page.count(f'<option value="{staff_user.pk}">Sam Staff</option>') == 5
    rows = {1: {"duration": "1", "staff_member": staff_user.pk, "notes": "no kind"}}
    page = contact_a_client.post(reverse("coaching:week"), _week_post(rows)).content.decode()
    assert f'<option value="{staff_user.pk}" selected>Sam Staff</option>' in page
    assert page.count(f'<option value="{staff_user.pk}">Sam Staff</option>') == 4


def test_attaching_a_document_is_for_those_who_change_the_deliverable(
    contact_b_client, practitioner_client, contact_a_client, staff_client, jurisdiction_a
):
    from tests.jurisdictions.factories import pdf_upload

    deliverable = DeliverableFactory(jurisdiction=jurisdiction_a, due_on=dt.date(2021, 12, 1))
    url = reverse("coaching:deliverable_attach", args=[deliverable.pk])
    assert contact_b_client.post(url, {"file": pdf_upload()}).status_code == 404
    assert practitioner_client.post(url, {"file": pdf_upload()}).status_code in (403, 404)
    assert contact_a_client.get(url).status_code == 405
    assert not deliverable.documents.exists()
    response = staff_client.post(url, {"file": pdf_upload("plan.pdf")}, follow=True)
    assert "Document attached." in response.content.decode()
    assert deliverable.documents.get().file_name == "plan.pdf"


def test_the_deliverable_page_posts_each_form_to_its_own_url(contact_a_client, jurisdiction_a):
    deliverable = DeliverableFactory(jurisdiction=jurisdiction_a, due_on=dt.date(2021, 12, 1))
    page = contact_a_client.get(reverse("coaching:deliverable", args=[deliverable.pk]))
    html = page.content.decode()
    assert f'action="{reverse("coaching:deliverable_attach", args=[deliverable.pk])}"' in html
    assert 'name="action"' not in html


def test_adding_a_deliverable_without_a_jurisdiction_says_how_on_the_400_page(staff_client):
    response = staff_client.get(reverse("coaching:deliverable_new"))
    assert response.status_code == 400
    assert "Choose the jurisdiction whose deliverable you add" in response.content.decode()
