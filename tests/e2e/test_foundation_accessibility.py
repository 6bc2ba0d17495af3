"""axe-core finds no serious or critical WCAG 2.1 AA violation on the shell's pages."""

import pytest
from django.core.management import call_command

from gpl_cohort.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command(
        "seed_demo", "--quiet-logins", "--only", "jurisdictions,accounts,applications,community"
    )


def test_the_public_pages_pass_axe(demo, page, axe_check):
    for path in ("/", "/accounts/login/", "/accounts/password-reset/"):
        page.goto(path)
        axe_check(page, path)


@pytest.mark.parametrize(
    "email",
    [
        "staff@cohort.example",
        "contact@durham.example",
        "practitioner@tucson.example",
    ],
)
def test_each_roles_home_page_passes_axe(demo, page, log_in, axe_check, email):
    log_in(email, DEMO_PASSWORD)
    axe_check(page, f"home of {email}")


def test_the_first_tab_reaches_the_skip_link(demo, page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_log_in_form_works_with_the_keyboard_alone(demo, page):
    page.goto("/accounts/login/")
    # The email field has focus on arrival; everything else is Tab and Enter.
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.type("contact@durham.example")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/home/")
