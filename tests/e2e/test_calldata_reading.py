"""A contact reads an export whose address is split over several columns and whose times are
Pacific: the mapping page shows the time zone and where it came from, the contact changes it
and drops the cross street from the address; the report accounts for every row. Then the
contact answers the priority question in the reading settings."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from calldata.models import Dataset, ReadingSettings
from tests.calldata import exports

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_contact_chooses_the_time_zone_and_a_split_address_on_the_mapping_page(
    contact_a, password, page, log_in, screenshot, tmp_path
):
    jurisdiction = contact_a.contact_jurisdiction
    jurisdiction.time_zone = "America/New_York"
    jurisdiction.save()
    log_in(contact_a.email, password)
    page.goto("/calldata/")
    path = tmp_path / "west-coast-export.csv"
    path.write_text(exports.SPLIT_ADDRESS)
    page.get_by_label("CAD calls-for-service export").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/mapping/")

    zone = page.get_by_test_id("time-zone")
    expect(zone).to_contain_text("America/New_York")
    expect(zone).to_contain_text(f"the time zone of {jurisdiction} (its jurisdiction profile)")
    expect(page.get_by_test_id("mapping-notes")).to_contain_text("split over several columns")
    assert page.get_by_label("Address from parts: street name").input_value() == "Street Name"
    assert page.get_by_label("Received date (when date and time are separate)").input_value() == (
        "Call Date"
    )
    page.get_by_label("Time zone of the file's times").select_option("America/Los_Angeles")
    page.get_by_label("Address from parts: cross street").select_option("")
    page.get_by_test_id("address-parts").scroll_into_view_if_needed()
    screenshot(page, "mapping")
    page.get_by_role("button", name="Import with this mapping").click()

    page.get_by_test_id("import-done").wait_for(timeout=30_000)
    expect(page.get_by_test_id("import-done")).to_contain_text("times in America/Los_Angeles")
    expect(page.get_by_test_id("accounting")).to_contain_text(
        "4 rows read = 3 calls kept + 0 rejected + 1 dropped (not calls) + 0 empty + 0 merged"
    )
    expect(page.get_by_text("disposition DUP", exact=True)).to_be_visible()
    screenshot(page, "report")
    dataset = Dataset.objects.get()
    assert dataset.time_zone == "America/Los_Angeles"
    assert dataset.mapping["address_parts"] == {
        "number": "Street Number",
        "direction": "Street Direction",
        "road": "Street Name",
        "suffix": "Street Suffix",
    }

    page.get_by_role("link", name="Reading settings", exact=True).click()
    expect(page.get_by_test_id("priority-scale")).to_contain_text("Most centres")
    expect(page.get_by_test_id("priority-hint")).to_contain_text("SUSPICIOUS PERSON")
    page.get_by_label("Lower numbers are more urgent (1 before 2)").check()
    page.get_by_label("The priority value of your most urgent calls").fill("0")
    screenshot(page, "reading-settings")
    page.get_by_role("button", name="Save the reading settings").click()
    expect(page.get_by_text("Reading settings saved.")).to_be_visible()
    saved = ReadingSettings.objects.get(jurisdiction=jurisdiction)
    assert saved.priority_most_urgent == 0 and saved.priority_order == "lower"


def test_a_cut_off_file_is_shown_as_imported_with_warnings(
    contact_a, password, page, log_in, screenshot, tmp_path
):
    log_in(contact_a.email, password)
    page.goto("/calldata/")
    path = tmp_path / "cut.csv"
    path.write_text(exports.TRUNCATED)
    page.get_by_label("CAD calls-for-service export").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/mapping/")
    expect(page.get_by_text("The file is cut off: its last line (line 5)")).to_be_visible()
    page.get_by_role("button", name="Import with this mapping").click()
    warnings = page.get_by_test_id("import-warnings")
    warnings.wait_for(timeout=30_000)
    expect(warnings).to_contain_text("Imported with warnings")
    expect(warnings).to_contain_text("34 bytes after the last complete line")
    screenshot(page, "report")
