"""The cohort side by side in the browser: staff see every member named and set one's consent;
a member sees the others as letters until one agrees to share, then by name."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.calldata import files
from tests.calldata.conftest import import_upload
from tests.cohorts.factories import CohortFactory, CohortMembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cohort(contact_a, contact_b, django_capture_on_commit_callbacks):
    the_cohort = CohortFactory(name="2030–2031 Implementation Cohort")
    for contact in (contact_a, contact_b):
        CohortMembershipFactory(cohort=the_cohort, jurisdiction=contact.contact_jurisdiction)
        import_upload(
            contact.contact_jurisdiction,
            contact,
            "calls.csv",
            files.csv_text().encode(),
            django_capture_on_commit_callbacks,
        )
    return the_cohort


def _open_as(page, log_in, user, password, cohort):
    page.context.clear_cookies()
    log_in(user.email, password)
    page.goto(f"/calldata/cohorts/{cohort.pk}/")
    return page.get_by_test_id("cohort-table")


def test_staff_and_a_member_see_the_cohort_side_by_side_with_the_consent_rule(
    cohort, staff_user, contact_a, contact_b, password, page, log_in, screenshot
):
    log_in(contact_a.email, password)
    page.goto("/calldata/")
    page.get_by_role("link", name="Cohort side by side").first.click()
    table = page.get_by_test_id("cohort-table")
    expect(table).to_contain_text("Durham")
    expect(table).to_contain_text("Jurisdiction A")
    expect(table).not_to_contain_text("Phoenix")
    expect(page.get_by_test_id("consent-note")).to_contain_text("agreed to share")
    screenshot(page, "cohort-member-before-consent")

    table = _open_as(page, log_in, staff_user, password, cohort)
    expect(table).to_contain_text("Durham")
    expect(table).to_contain_text("Phoenix")
    page.get_by_label("Response model for the eligible share").select_option(index=1)
    page.get_by_role("button", name="Compare").click()
    page.get_by_role("button", name="Name Phoenix to members").click()
    expect(page.get_by_text("is now named to other cohort members")).to_be_visible()
    assert (
        page.get_by_label("Response model for the eligible share").evaluate(
            "select => select.selectedIndex"
        )
        == 1
    )
    screenshot(page, "cohort-staff")

    table = _open_as(page, log_in, contact_a, password, cohort)
    expect(table).to_contain_text("Phoenix")
    expect(table).not_to_contain_text("Jurisdiction A")
    screenshot(page, "cohort-member-after-consent")
