"""Coaching in the browser: a contact logs a week from the grid, staff see the dashboard."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching.models import CoachingLog
from jurisdictions.dates import local_today
from tests.accounts.factories import PASSWORD, StaffFactory, UserFactory
from tests.cohorts.factories import CohortFactory, CohortMembershipFactory
from tests.jurisdictions.factories import JurisdictionFactory, ResponseTeamFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cast(transactional_db):
    cohort = CohortFactory(
        name="Current Implementation Cohort", starts_on=timezone.localdate() - dt.timedelta(days=70)
    )
    durham = JurisdictionFactory(name="Durham", state="NC", time_zone="America/New_York")
    phoenix = JurisdictionFactory(name="Phoenix", state="AZ", time_zone="America/Phoenix")
    for j in (durham, phoenix):
        CohortMembershipFactory(cohort=cohort, jurisdiction=j)
    ResponseTeamFactory(jurisdiction=durham)
    staff = StaffFactory(email="coach@program.example", full_name="Casey Coach")
    dana = UserFactory(
        email="dana@durhamnc.gov", full_name="Dana Durham", contact_jurisdiction=durham
    )
    pat = UserFactory(
        email="pat@phoenix.gov", full_name="Pat Phoenix", contact_jurisdiction=phoenix,
        time_zone="America/Phoenix",
    )  # fmt: skip
    return {"durham": durham, "phoenix": phoenix, "staff": staff, "dana": dana, "pat": pat}


def _fill_day(page, index: int, hours: str, kind: str, workstream: str, notes: str = "") -> None:
    page.locator(f"#id_form-{index}-duration").fill(hours)
    page.locator(f"#id_form-{index}-kind").select_option(kind)
    page.locator(f"#id_form-{index}-workstream").select_option(workstream)
    if notes:
        page.locator(f"#id_form-{index}-notes").fill(notes)


def test_a_contact_logs_a_week_sees_the_warning_and_the_chart(cast, page, log_in, screenshot):
    log_in("dana@durhamnc.gov", PASSWORD)
    page.get_by_role("link", name="Log this week").first.click()
    page.get_by_role("link", name="← Previous week").click()
    assert "Week of" in page.get_by_role("heading", level=1).inner_text()
    # Keyboard entry: type the hours, Enter jumps to the next day's hours.
    page.locator("#id_form-0-duration").fill("1.5")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_form-1-duration"
    _fill_day(page, 0, "1.5", "one_on_one", "call_analysis", "Pulled a year of CAD data")
    page.locator("#id_form-0-staff_member").select_option(label="Casey Coach")
    _fill_day(page, 1, "2", "one_on_one", "decision_tree")
    _fill_day(page, 2, "1:15", "one_on_one", "hiring")
    _fill_day(page, 3, "1", "group_call", "other", "Cohort call on RFPs")
    _fill_day(page, 4, "2.25", "independent", "rfp")
    live = page.locator("#live-ceiling")
    assert live.is_visible() and "4.75 hours" in live.inner_text()
    screenshot(page, "week-grid-filled")
    page.get_by_role("button", name="Save the week").click()
    page.wait_for_selector("[data-testid=ceiling-warning]")
    assert "Saved 5 entries" in page.content()
    warning = page.get_by_test_id("ceiling-warning").first.inner_text()
    assert "above the 4-hour weekly commitment" in warning
    screenshot(page, "week-grid-saved-with-warning")
    assert CoachingLog.objects.filter(jurisdiction=cast["durham"]).count() == 5

    page.get_by_role("link", name="Totals and chart").click()
    page.wait_for_selector("#coaching-chart[data-rendered=true] .main-svg")
    expect(page.get_by_role("heading", name="Hours per week by workstream")).to_be_visible()
    screenshot(page, "overview-chart")


def test_a_bad_row_keeps_the_other_rows(cast, page, log_in, screenshot):
    log_in("dana@durhamnc.gov", PASSWORD)
    last_week = local_today(cast["durham"]) - dt.timedelta(days=7)
    page.goto(f"/coaching/week/?week={last_week.isoformat()}")
    _fill_day(page, 0, "1.5", "one_on_one", "call_analysis", "keep this")
    _fill_day(page, 1, "0.4", "one_on_one", "rfp")
    page.get_by_role("button", name="Save the week").click()
    assert "Use 15-minute steps" in page.content()
    assert page.locator("#id_form-0-notes").input_value() == "keep this"
    assert page.locator("#id_form-0-duration").input_value() == "1.5"
    screenshot(page, "week-grid-error")
    assert not CoachingLog.objects.exists()


def test_another_jurisdictions_contact_cannot_see_or_guess_the_entries(cast, page, log_in):
    from coaching.services import coaching_log_create

    log = coaching_log_create(
        jurisdiction=cast["durham"], author=cast["dana"],
        date=local_today(cast["durham"]) - dt.timedelta(days=3), duration_minutes=60,
        kind="one_on_one", workstream="rfp", notes="Durham-only notes",
    )  # fmt: skip
    log_in("pat@phoenix.gov", PASSWORD)
    page.goto("/coaching/")
    assert "Durham-only notes" not in page.content()
    page.goto(f"/coaching/?jurisdiction={cast['durham'].pk}")
    assert "Durham-only notes" not in page.content()
    assert page.goto(f"/coaching/logs/{log.pk}/edit/").status == 404
    assert page.goto(f"/api/v1/coaching/logs/{log.pk}/").status == 404
    page.goto("/api/v1/coaching/logs/?format=json")
    assert json.loads(page.locator("body").inner_text())["count"] == 0
    start, end = (
        (local_today(cast["durham"]) - dt.timedelta(days=30)).isoformat(),
        local_today(cast["durham"]).isoformat(),
    )
    csv_text = page.request.get(f"/coaching/logs/export.csv?start={start}&end={end}").text()
    assert "Durham-only notes" not in csv_text and csv_text.count("\n") == 1


def test_staff_see_the_coaching_dashboard_and_the_cohort_dashboard(cast, page, log_in, screenshot):
    from coaching.services import coaching_log_create

    coaching_log_create(
        jurisdiction=cast["durham"], author=cast["dana"],
        date=local_today(cast["durham"]) - dt.timedelta(days=2), duration_minutes=120,
        kind="one_on_one", workstream="call_analysis", staff_member=cast["staff"],
    )  # fmt: skip
    log_in("coach@program.example", PASSWORD)
    page.get_by_role("link", name="Coaching", exact=True).click()
    page.wait_for_selector("#coaching-chart[data-rendered=true] .main-svg")
    table = page.get_by_test_id("dashboard-table")
    assert "Durham, NC" in table.inner_text() and "Phoenix, AZ" in table.inner_text()
    assert "no coaching logged for 2 weeks" in page.get_by_test_id("quiet-alert").inner_text()
    assert "Phoenix" in page.get_by_test_id("quiet-alert").inner_text()
    screenshot(page, "staff-coaching-dashboard")
    page.get_by_role("link", name="Cohort seats").click()
    assert page.get_by_test_id("teams-launched").inner_text() == "1 of 2"
    screenshot(page, "staff-cohort-dashboard")


def test_a_busy_day_shows_its_first_entries_and_opens_the_rest(cast, page, log_in, screenshot):
    """A day with more entries than the grid lists (the API logs many) links to that day's
    entries, which lists them all."""
    from zoneinfo import ZoneInfo

    from tests.coaching.factories import CoachingLogFactory

    today = timezone.localdate(timezone=ZoneInfo(cast["dana"].time_zone))  # the grid's week
    monday = today - dt.timedelta(days=today.weekday())
    for n in range(11):
        CoachingLogFactory(
            jurisdiction=cast["durham"], author=cast["dana"], date=monday,
            duration_minutes=30, notes=f"Call-type review {n + 1}",
        )  # fmt: skip
    log_in("dana@durhamnc.gov", PASSWORD)
    page.get_by_role("link", name="Log this week").first.click()
    more = page.get_by_role("link", name="3 more entries (1.5 h)")
    expect(more).to_be_visible()
    screenshot(page, "week-grid-busy-day")
    more.click()
    expect(page).to_have_url(re.compile(rf"start={monday:%Y-%m-%d}&end={monday:%Y-%m-%d}"))
    for n in (1, 11):
        expect(page.get_by_text(f"Call-type review {n}", exact=True)).to_be_visible()
    screenshot(page, "entries-of-the-busy-day")


def test_a_contact_attaches_a_document_and_a_wrong_file_is_explained(
    cast, page, log_in, screenshot, tmp_path
):
    from tests.coaching.factories import DeliverableFactory
    from tests.jurisdictions.factories import pdf_upload

    deliverable = DeliverableFactory(
        jurisdiction=cast["durham"], title="RFP draft", due_on=timezone.localdate()
    )
    pdf = tmp_path / "rfp-draft.pdf"
    pdf.write_bytes(pdf_upload().read())
    junk = tmp_path / "notes.exe"
    junk.write_bytes(b"MZ\x90\x00" * 100)
    log_in("dana@durhamnc.gov", PASSWORD)
    page.goto(f"/coaching/deliverables/{deliverable.pk}/")
    page.locator("input[type=file]").set_input_files(str(junk))
    page.get_by_role("button", name="Attach", exact=True).click()
    expect(page.get_by_text("a type we cannot read")).to_be_visible()
    screenshot(page, "refused")
    page.locator("input[type=file]").set_input_files(str(pdf))
    page.get_by_role("button", name="Attach", exact=True).click()
    expect(page.get_by_text("Document attached.")).to_be_visible()
    expect(page.get_by_role("link", name="rfp-draft.pdf")).to_be_visible()
    screenshot(page, "attached")


def test_staff_who_add_a_deliverable_without_a_jurisdiction_are_told_how(
    cast, page, log_in, screenshot
):
    log_in("coach@program.example", PASSWORD)
    response = page.goto("/coaching/deliverables/new/")
    assert response.status == 400
    expect(page.get_by_test_id("bad-request-message")).to_contain_text(
        "Choose the jurisdiction whose deliverable you add"
    )
    screenshot(page, "bad-request")
