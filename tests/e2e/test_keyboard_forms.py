"""The main forms work with the keyboard alone (WCAG 2.1.1) and show where the focus is (2.4.7).

No mouse and no .fill(): Tab and Shift+Tab move, typing enters text and picks options (a
select's type-ahead), Space ticks boxes and presses buttons, Enter submits. Each test then checks
that the submission took effect in the database and on the page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, ApplicationTransition
from coaching.models import CoachingLog
from community.models import Registration
from jurisdictions.dates import local_today
from tests.accounts.factories import StaffFactory, UserFactory
from tests.applications.factories import ApplicationFactory, with_contact
from tests.cohorts.factories import CohortFactory, CohortMembershipFactory
from tests.community.factories import MembershipFactory, SessionFactory
from tests.e2e.conftest import add_session_cookie
from tests.jurisdictions.factories import JurisdictionFactory, ResponseTeamFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The focused element shows a ring: an outline or a box-shadow that is not "none". Bootstrap
# fades the ring in (a 0.15 s transition whose first frame is still "none"), so the style is read
# once the element's transitions have finished, as a person sees it.
FOCUS_RING = """async () => {
  const el = document.activeElement;
  await Promise.all(el.getAnimations().map((a) => a.finished.catch(() => null)));
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  // Focus on a part of a built-in control (the calendar button of a date field, after its
  // day/month/year) is inside the browser's own shadow tree: the element matches :focus-within
  // but not :focus, and Chromium draws that part's ring itself (seen in a screenshot).
  const browserPart = !el.matches(":focus") && el.matches(":focus-within");
  return {id: el.id || el.name || el.textContent.trim().slice(0, 30), tag: el.tagName,
          ring: Boolean(outline || shadow || browserPart)};
}"""


class Keyboard:
    """Moves through a page with Tab and Shift+Tab and notes every stop without a focus ring."""

    def __init__(self, page, within: str = "body") -> None:
        self.page = page
        self.within = within
        self.stops: list[dict] = []

    def tab_to(self, selector: str, *, back: bool = False, limit: int = 80) -> None:
        key = "Shift+Tab" if back else "Tab"
        for _ in range(limit):
            self.page.keyboard.press(key)
            if self.page.evaluate(
                "([s, w]) => document.activeElement.closest(w) !== null", [selector, self.within]
            ):
                self.stops.append(self.page.evaluate(FOCUS_RING))
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{limit} presses of {key} never reached {selector}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def without_ring(self) -> list[dict]:
        return [stop for stop in self.stops if not stop["ring"]]


def _browser_as(browser, live_server, user):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    context.set_default_timeout(15_000)
    add_session_cookie(context, live_server.url, user)
    return context


@pytest.fixture
def keyboard_page(browser, live_server):
    contexts = []

    def open_as(user):
        context = _browser_as(browser, live_server, user)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_an_applicant_fills_and_submits_the_application_with_the_keyboard_alone(
    keyboard_page, screenshot
):
    cohort = CohortFactory(name="2031–2032 Implementation Cohort")
    jurisdiction = JurisdictionFactory(name="Orange", state="NC")
    applicant = UserFactory(email="ana@orangecountync.gov", contact_jurisdiction=jurisdiction)
    application = with_contact(
        ApplicationFactory(cohort=cohort, jurisdiction=jurisdiction), applicant
    )
    launch = cohort.starts_on + dt.timedelta(days=210)
    page = keyboard_page(applicant)
    # Confirming the submission is the browser's own dialog: its OK is the default button.
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/applications/{application.pk}/edit/")
    keys = Keyboard(page, within="#application-form")

    keys.tab_to("#id_applying_office")
    keys.type("Public")  # the select's type-ahead: "Public health"
    keys.tab_to("#id_partners")
    keys.type("911 center, public health, a community-based organisation")
    keys.tab_to("#id_stage")
    keys.type("Plan")
    keys.tab_to("#id_anticipated_launch_on")
    keys.type(launch.strftime("%m%d%Y"))
    keys.tab_to("input[name=team_make_up][value=peers]")
    page.keyboard.press("Space")
    keys.tab_to("input[name=team_make_up][value=emts]")
    page.keyboard.press("Space")
    keys.tab_to("#id_call_types")
    keys.type("Welfare checks and mental-health calls")
    keys.tab_to("#id_collaboration")
    keys.type("A weekly working group")
    keys.tab_to("#id_equity_goals")
    keys.type("Fewer arrests of people in crisis")
    # Back up with Shift+Tab to correct an earlier answer, then on again.
    keys.tab_to("#id_collaboration", back=True)
    page.keyboard.press("End")
    keys.type(" with the 911 center")
    screenshot(page, "application-by-keyboard")
    keys.tab_to("button[formaction]")
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/applications/{application.pk}/")
    expect(page.get_by_test_id("status")).to_contain_text("Submitted")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.applying_office == "public_health"
    assert application.stage == "planning"
    assert application.anticipated_launch_on == launch
    assert sorted(application.team_make_up) == ["emts", "peers"]
    assert application.collaboration == "A weekly working group with the 911 center"
    assert ApplicationTransition.objects.filter(
        application=application, from_status="draft", to_status="submitted"
    ).exists()
    assert len(keys.stops) >= 15, keys.stops
    assert not keys.without_ring(), f"focus without a visible ring: {keys.without_ring()}"
    assert not page.js_errors


def test_a_contact_logs_a_day_in_the_week_grid_with_the_keyboard_alone(keyboard_page):
    cohort = CohortFactory(starts_on=timezone.localdate() - dt.timedelta(days=70))
    durham = JurisdictionFactory(name="Durham", state="NC", time_zone="America/New_York")
    CohortMembershipFactory(cohort=cohort, jurisdiction=durham)
    ResponseTeamFactory(jurisdiction=durham)
    StaffFactory(email="coach@program.example", full_name="Casey Coach")
    dana = UserFactory(email="dana@durhamnc.gov", contact_jurisdiction=durham)
    today = local_today(durham)
    monday = today - dt.timedelta(days=today.weekday() + 7)
    page = keyboard_page(dana)
    page.goto(f"/coaching/week/?week={monday.isoformat()}")
    keys = Keyboard(page, within="#week-grid")

    keys.tab_to("#id_form-0-duration")
    keys.type("1.5")
    keys.tab_to("#id_form-0-kind")
    keys.type("1:1")
    keys.tab_to("#id_form-0-workstream")
    keys.type("911")
    keys.tab_to("#id_form-0-notes")
    keys.type("Pulled a year of CAD data")
    keys.tab_to("#week-grid button[type=submit]")
    page.keyboard.press("Space")

    expect(page.get_by_text("Saved 1 entr")).to_be_visible()
    log = CoachingLog.objects.get(jurisdiction=durham)
    assert (log.date, log.duration_minutes, log.kind, log.workstream) == (
        monday, 90, "one_on_one", "call_analysis"
    )  # fmt: skip
    assert log.notes == "Pulled a year of CAD data"
    assert not keys.without_ring(), f"focus without a visible ring: {keys.without_ring()}"
    assert not page.js_errors


def test_a_practitioner_registers_for_a_session_with_the_keyboard_alone(keyboard_page):
    session = SessionFactory(
        title="Tracking call outcomes", starts_at=timezone.now() + dt.timedelta(days=10)
    )
    practitioner = MembershipFactory(user__email="terry@tucsonaz.gov").user
    page = keyboard_page(practitioner)
    page.goto("/community/sessions/")
    keys = Keyboard(page, within="main")

    keys.tab_to(f"main a[href$='/sessions/{session.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/community/sessions/{session.pk}/")
    keys.tab_to("main button[type=submit]")
    expect(page.locator("main button[type=submit]").first).to_have_text("Register")
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("status")).to_have_text("You are registered.")
    assert Registration.objects.filter(session=session, user=practitioner).exists()
    assert not keys.without_ring(), f"focus without a visible ring: {keys.without_ring()}"
    assert not page.js_errors
