"""Staff extend the call-type dictionary in the app: a bad regular expression is explained,
the preview shows what the rule would re-categorise, and saving re-applies the dictionary."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.calldata.conftest import imported_a  # noqa: F401  (the imported dataset)

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_preview_and_save_a_dictionary_rule(
    imported_a,  # noqa: F811
    staff_user,
    password,
    page,
    log_in,
    screenshot,
    axe_check,
):
    from calldata.models import CallTypeMapping

    log_in(staff_user.email, password)
    page.goto(f"/calldata/j/{imported_a.jurisdiction_id}/taxonomy/")
    page.get_by_role("link", name="extend the dictionary").click()
    axe_check(page, "dictionary")
    page.get_by_label("Category").select_option("behavioral_health")
    page.get_by_label("Pattern").fill("NOISE (COMPLAINT")
    page.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text("Not a valid regular expression")).to_be_visible()
    page.get_by_label("Pattern").fill(r"NOISE\s+COMPLAINT")
    page.get_by_label("Preview on the call types of").select_option(
        label=str(imported_a.jurisdiction)
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("changed-types")).to_have_text("1")
    expect(page.get_by_test_id("dictionary-preview")).to_contain_text("matches 1 of")
    axe_check(page, "dictionary preview")
    screenshot(page, "preview")
    page.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text("1 call types re-categorised")).to_be_visible()
    expect(page.get_by_test_id("dictionary-rules")).to_contain_text(r"NOISE\s+COMPLAINT")
    screenshot(page, "saved")
    assert CallTypeMapping.objects.get(call_type="NOISE COMPLAINT").category == "behavioral_health"
