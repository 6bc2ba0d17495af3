"""Each role logs in, sees its home page, and the shell (admin, API docs) renders."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from gpl_cohort.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command(
        "seed_demo", "--quiet-logins", "--only", "jurisdictions,accounts,applications,community"
    )


def test_staff_log_in_see_the_dashboard_and_the_admin(demo, page, log_in, screenshot):
    log_in("staff@cohort.example", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Applications by status")).to_be_visible()
    expect(page.get_by_text("Enrolled").first).to_be_visible()
    expect(page.get_by_role("heading", name="Next community of practice sessions")).to_be_visible()
    screenshot(page, "home")
    page.get_by_role("link", name="Administration").click()
    expect(page.get_by_text("Cohort administration").first).to_be_visible()
    screenshot(page, "admin")


def test_a_contact_sees_their_jurisdiction_and_not_another(demo, page, log_in, screenshot):
    log_in("contact@durham.example", DEMO_PASSWORD)
    expect(page.get_by_role("link", name="Durham, NC")).to_be_visible()
    expect(page.get_by_text("Community Safety HEART")).to_be_visible()
    screenshot(page, "home")
    page.get_by_role("link", name="My jurisdiction").click()
    expect(page.get_by_role("heading", name="Durham, North Carolina")).to_be_visible()
    from jurisdictions.models import Jurisdiction

    phoenix = Jurisdiction.objects.get(name="Phoenix")
    response = page.goto(f"/jurisdictions/{phoenix.pk}/")
    assert response.status == 404


def test_a_practitioner_sees_the_next_sessions(demo, page, log_in, screenshot):
    log_in("practitioner@tucson.example", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Next community of practice sessions")).to_be_visible()
    assert "Practitioner" in page.get_by_test_id("whoami").text_content()
    screenshot(page, "home")


def test_an_anonymous_visitor_is_sent_to_log_in_and_sees_the_api_docs(demo, page, screenshot):
    page.goto("/home/")
    assert "/accounts/login/" in page.url
    screenshot(page, "login")
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info")
    screenshot(page, "api-docs")


def test_the_navigation_works_on_a_phone(demo, browser, live_server, screenshot):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("contact@durham.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/home/")
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("link", name="My jurisdiction").wait_for(state="visible")
    page.wait_for_selector("#main-nav.collapse.show")  # the opening animation has ended
    screenshot(page, "phone-nav")
    context.close()
