"""A contact deletes a failed upload from its page, after a confirmation page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_contact_deletes_a_failed_upload(contact_a, password, page, log_in, screenshot, tmp_path):
    log_in(contact_a.email, password)
    page.get_by_role("link", name="911 call data").first.click()
    path = tmp_path / "not-an-export.csv"
    path.write_text("Name,Email\nAda,ada@example.org\n")
    page.get_by_label("CAD calls-for-service export").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("import-error")).to_be_visible()
    page.get_by_role("link", name="delete this dataset").click()
    expect(page.get_by_role("heading", name="Delete “not-an-export.csv”?")).to_be_visible()
    screenshot(page, "confirm")
    page.get_by_role("button", name="Delete the dataset and its files").click()
    expect(page.get_by_role("alert").filter(has_text="was deleted with its files")).to_be_visible()
    expect(page.get_by_role("link", name="not-an-export.csv")).to_have_count(0)
    screenshot(page, "deleted")
