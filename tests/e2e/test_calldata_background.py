"""On the embedded default (no worker), the import runs in a background thread of the web
process: after the mapping the page shows the progress bar at once, then the report."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from calldata import tasks
from tests.calldata import files

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_embedded_import_shows_its_progress_and_then_the_report(
    settings, contact_a, password, page, log_in, screenshot, tmp_path
):
    settings.CALLDATA_IMPORT_IN_BACKGROUND = True
    gate = threading.Event()
    tasks._background().submit(gate.wait, 30)  # the import waits until the page was seen
    try:
        log_in(contact_a.email, password)
        page.get_by_role("link", name="911 call data").first.click()
        path = tmp_path / "calls.csv"
        path.write_text(files.csv_text())
        page.get_by_label("CAD calls-for-service export").set_input_files(str(path))
        page.get_by_role("button", name="Upload").click()
        page.wait_for_url("**/mapping/")
        page.get_by_role("button", name="Import with this mapping").click()
        expect(page.get_by_role("progressbar", name="Import progress")).to_be_visible()
        expect(page.get_by_role("button", name="Cancel the import")).to_be_visible()
        screenshot(page, "queued")
    finally:
        gate.set()
    page.get_by_test_id("import-done").wait_for(timeout=30_000)
    expect(page.get_by_test_id("import-done")).to_contain_text("6")
    screenshot(page, "done")
