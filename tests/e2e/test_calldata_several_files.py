"""A contact with two yearly imports analyses them together, and the pages say which files
the figures cover."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from calldata import services
from calldata.models import Dataset
from tests.calldata import files
from tests.calldata.conftest import upload

pytestmark = pytest.mark.django_db(transaction=True)


def _imported(jurisdiction, user, year: int) -> Dataset:
    content = files.yearly_export(year, calls=80, carried=2 if year > 2022 else 0)
    dataset = services.dataset_upload(
        user=user, jurisdiction=jurisdiction, upload=upload(f"calls-{year}.csv", content)
    )
    services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=user)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE, dataset.error
    return dataset


def test_a_contact_analyses_two_yearly_files_together(
    contact_a, jurisdiction_a, password, page, log_in, screenshot
):
    for year in (2022, 2023):
        _imported(jurisdiction_a, contact_a, year)
    log_in(contact_a.email, password)
    page.get_by_role("link", name="911 call data").first.click()
    page.get_by_role("link", name="analyse them together").click()
    page.get_by_label("calls-2022.csv", exact=False).check()
    page.get_by_label("calls-2023.csv", exact=False).check()
    screenshot(page, "choose")
    page.get_by_role("button", name="Analyse these files together").click()
    page.get_by_test_id("import-done").wait_for(timeout=30_000)
    expect(page.get_by_test_id("parts")).to_contain_text("calls-2022.csv")
    expect(page.get_by_test_id("import-done")).to_contain_text("160")
    screenshot(page, "combined")
    page.get_by_role("link", name="Scenarios").first.click()
    expect(page.get_by_test_id("covers")).to_contain_text(
        "2 files: “calls-2022.csv”, “calls-2023.csv”"
    )
    screenshot(page, "scenarios")
