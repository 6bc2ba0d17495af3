"""The first hour of every role, on the demo as `make run` loads it, starting at `/` with no
URL typed by hand; and every role's home and main pages at 1280 and 390 px wide."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from gpl_cohort.accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import create_account, fill_join_form, start_application

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo(settings, live_server):
    # Links in email point at the server the browser uses, as `make run` arranges.
    settings.SITE_URL = live_server.url
    call_command(
        "seed_demo", "--quiet-logins", "--only",
        "jurisdictions,accounts,applications,community,coaching", verbosity=0,
    )  # fmt: skip


def _log_in_from_the_front_door(page, email: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/home/")


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_a_visitor_registers_for_the_webinar_subscribes_joins_and_applies(demo, page, screenshot):
    page.goto("/")
    main = page.get_by_role("main")
    screenshot(page, "landing")

    main.get_by_role("link", name="Register for the webinar").click()
    page.get_by_label("Your name").fill("Vic Visitor")
    page.get_by_label("Email").fill("vic@lakeview.gov")
    page.get_by_label("Which jurisdiction?").fill("Lakeview")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="You are registered")).to_be_visible()
    screenshot(page, "webinar-registered")
    invitation = next(m for m in mail.outbox if "vic@lakeview.gov" in m.to)
    assert f"{page.url.split('/community/')[0]}/community/webinars/" in invitation.body

    page.get_by_role("link", name="Cohort", exact=True).click()
    page.get_by_role("main").get_by_role("link", name="Subscribe to the newsletter").click()
    page.get_by_label("Email address").fill("vic@lakeview.gov")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_test_id("check-inbox")).to_be_visible()
    confirmation = next(m for m in mail.outbox if "newsletter/confirm" in m.body)
    link = re.search(r"https?://\S+/community/newsletter/confirm/\S+/", confirmation.body)
    page.goto(link.group(0))  # the link as the email gives it: host and port included
    expect(page.get_by_test_id("confirmed")).to_be_visible()

    page.get_by_role("link", name="Cohort", exact=True).click()
    page.get_by_role("main").get_by_role("link", name="Join the community").click()
    fill_join_form(page, full_name="Vic Visitor", email="vic@lakeview.gov")
    page.get_by_role("button", name="Join the community of practice").click()
    page.wait_for_url("**/community/**")
    expect(page.get_by_role("link", name="My applications")).to_have_count(0)
    page.get_by_role("button", name="Log out").click()

    page.get_by_role("link", name="Cohort", exact=True).click()
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^Apply to the")).click()
    expect(page.get_by_role("link", name="Register for the webinar")).to_be_visible()
    screenshot(page, "open-cohort")
    page.get_by_role("link", name="Start an application").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    screenshot(page, "log-in-to-apply")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    create_account(page, full_name="Ana Applicant", email="ana@orangecountync.gov")
    page.wait_for_url("**/start/")
    start_application(page)
    expect(page.get_by_role("link", name="My applications")).to_be_visible()
    screenshot(page, "application-started")


def test_a_practitioner_registers_for_the_next_session_from_their_home_page(demo, page, screenshot):
    _log_in_from_the_front_door(page, "practitioner@tucson.example")
    expect(page.get_by_role("link", name="My applications")).to_have_count(0)
    sessions = page.get_by_test_id("home-session")
    open_one = sessions.filter(has=page.get_by_role("button", name=re.compile("^Register")))
    title = open_one.first.get_by_role("link").inner_text()
    screenshot(page, "home-before")
    open_one.first.get_by_role("button", name=re.compile("^Register")).click()
    expect(page.get_by_text("You are registered. The invitation is in your inbox.")).to_be_visible()
    page.get_by_role("link", name="Home").click()
    row = page.get_by_test_id("home-session").filter(has_text=title)
    expect(row.get_by_text("You are registered")).to_be_visible()
    screenshot(page, "home-after")


def test_the_week_grid_on_a_phone_stays_in_the_screen_and_lists_errors_first(
    demo, page, screenshot
):
    page.set_viewport_size(PHONE)
    _log_in_from_the_front_door(page, "contact@durham.example")
    page.get_by_role("main").get_by_role("link", name="Log this week").click()
    _no_sideways_scroll(page)
    kind = page.locator("select.kind").first
    assert kind.bounding_box()["width"] > 250, "the Kind menu spans the card"
    screenshot(page, "week-phone")
    page.locator("input.duration").first.fill("lots")
    page.get_by_role("button", name="Save the week").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.locator("input.duration").first).to_be_focused()
    assert page.locator("input.duration").first.input_value() == "lots"
    _no_sideways_scroll(page)
    screenshot(page, "week-phone-errors")


PAGES = {
    "visitor": (None, ["/", "/applications/cohorts/", "/community/newsletter/", "/community/join/",
                       "/no-such-page/"]),
    "practitioner": ("practitioner@tucson.example", ["/home/", "/community/sessions/"]),
    "contact": ("contact@durham.example", ["/home/", "/coaching/", "/coaching/week/",
                                           "/coaching/deliverables/"]),
    "reviewer": ("reviewer@cohort.example", ["/home/", "/applications/reviews/"]),
    "staff": ("staff@cohort.example", ["/home/", "/coaching/staff/", "/jurisdictions/cohort/",
                                       "/community/staff/sessions/"]),
}  # fmt: skip


@pytest.mark.parametrize("role", list(PAGES))
def test_every_roles_home_and_main_pages_at_desktop_and_phone_width(demo, page, screenshot, role):
    email, paths = PAGES[role]
    if email:
        _log_in_from_the_front_door(page, email)
    for size_name, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        for path in paths:
            response = page.goto(path)
            expected = 404 if path == "/no-such-page/" else 200
            assert response.status == expected, path
            assert "{#" not in page.content() and "{%" not in page.content()
            screenshot(page, f"{size_name}-{path.strip('/').replace('/', '-') or 'root'}")
