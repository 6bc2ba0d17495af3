"""A jurisdiction contact uploads a CAD export, maps a column by hand, watches the import's
progress bar, looks at the volume charts, and builds a scenario whose chart appears."""

from __future__ import annotations

import threading
import time

import pytest
from playwright.sync_api import expect

from tests.calldata import files

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "Incident Number,What happened,Priority,Call Received,Arrival Time,Clear Time,Beat\n"
    + "\n".join(
        f"24-{i:04d},{kind},{1 + i % 4},03/{1 + i % 28:02d}/2024 {i % 24:02d}:15:00,"
        f"03/{1 + i % 28:02d}/2024 {i % 24:02d}:30:00,03/{1 + i % 28:02d}/2024 {i % 24:02d}:55:00,"
        f"B{1 + i % 3}"
        for i, kind in enumerate(
            [
                "WELFARE CHECK",
                "MENTAL HEALTH",
                "NOISE",
                "ASSAULT",
                "TRESPASS",
                "INTOXICATED PERSON",
                "THEFT",
            ]
            * 30
        )
    )
    + "\n"
)


@pytest.fixture
def slow_worker(monkeypatch):
    """The import runs in a background thread a moment after the mapping is confirmed, as a
    Celery worker would, so that the page shows (and polls) its progress bar."""
    from calldata import services

    def enqueue(dataset_id: int) -> None:
        def run() -> None:
            time.sleep(2.0)
            services.dataset_import(dataset_id=dataset_id)

        threading.Thread(target=run, daemon=True).start()

    monkeypatch.setattr(services.queue, "_enqueue", enqueue)  # what _queue calls


def test_a_contact_uploads_maps_imports_and_builds_a_scenario(
    contact_a, password, page, log_in, screenshot, slow_worker, tmp_path
):
    log_in(contact_a.email, password)
    page.get_by_role("link", name="911 call data").first.click()
    path = tmp_path / "cad-export.csv"
    path.write_text(CSV)
    page.get_by_label("CAD calls-for-service export").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/mapping/")
    expect(page.get_by_test_id("preview")).to_be_visible()
    # "What happened" is no name the app knows: the call type is mapped by hand.
    assert page.get_by_label("Call type / nature code").input_value() == ""
    page.get_by_label("Call type / nature code").select_option("What happened")
    screenshot(page, "mapping")
    page.get_by_role("button", name="Import with this mapping").click()
    progress = page.get_by_role("progressbar", name="Import progress")
    progress.wait_for(state="visible")
    screenshot(page, "progress")
    page.get_by_test_id("import-done").wait_for(timeout=30_000)
    assert "210" in page.get_by_test_id("import-done").inner_text()
    screenshot(page, "report")
    page.get_by_role("link", name="See the volume").click()
    page.locator("#chart-month .main-svg").first.wait_for()
    page.locator("#chart-how .main-svg").first.wait_for()
    screenshot(page, "volume")
    page.get_by_role("link", name="Scenarios").click()
    page.get_by_role("link", name="New scenario from scratch").click()
    page.get_by_label("Name").fill("Crisis calls")
    page.get_by_label("Behavioral / mental health").check()
    page.get_by_label("Welfare check").check()
    page.locator('[data-result="eligible_calls"]').filter(has_text="60").wait_for()
    page.locator("#chart-eligible-how .main-svg").first.wait_for()
    screenshot(page, "scenario")
    page.get_by_role("button", name="Save scenario").click()
    expect(page.get_by_text("Scenario “Crisis calls” saved.")).to_be_visible()
    page.get_by_role("link", name="Scenarios").click()
    expect(page.get_by_test_id("compare").get_by_text("Crisis calls")).to_be_visible()
    screenshot(page, "compare")


def test_a_bad_file_ends_in_a_clear_message(
    contact_a, password, page, log_in, screenshot, tmp_path
):
    log_in(contact_a.email, password)
    page.goto("/calldata/")
    path = tmp_path / "photo.csv"
    path.write_bytes(files.PNG)
    page.get_by_label("CAD calls-for-service export").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("import-error")).to_be_visible()
    assert "not a CSV, Excel" in page.get_by_test_id("import-error").inner_text()
    screenshot(page, "bad-file")


def test_staff_review_the_burlington_demo_taxonomy_tree_and_brief(
    page, log_in, screenshot, transactional_db
):
    from django.core.management import call_command

    from calldata.models import CallTypeMapping, Dataset, Scenario
    from gpl_cohort.accounts.demo import DEMO_PASSWORD

    call_command("seed_demo", "--quiet-logins", verbosity=0)
    dataset = Dataset.objects.get(jurisdiction__name="Burlington")
    log_in("staff@cohort.example", DEMO_PASSWORD)
    page.goto(f"/calldata/datasets/{dataset.pk}/")
    expect(page.get_by_test_id("import-done")).to_be_visible()
    screenshot(page, "report")
    page.goto(f"/calldata/datasets/{dataset.pk}/volume/")
    page.locator("#chart-how .main-svg").first.wait_for()
    screenshot(page, "volume")
    page.get_by_role("link", name="Call-type taxonomy").click()
    page.get_by_label("Category of NOISE").select_option("behavioral_health")
    page.get_by_role("button", name="Confirm all categories").first.click()
    expect(page.get_by_text("call types confirmed")).to_be_visible()
    assert (
        CallTypeMapping.objects.get(jurisdiction=dataset.jurisdiction, call_type="NOISE").category
        == "behavioral_health"
    )
    screenshot(page, "taxonomy")
    page.get_by_role("link", name="Decision tree").click()
    page.get_by_role("link", name="Dispatcher triage v1").click()
    expect(
        page.get_by_test_id("tree-diagram").get_by_text("Alternative team").first
    ).to_be_visible()
    screenshot(page, "tree")
    scenario = Scenario.objects.get(jurisdiction=dataset.jurisdiction)
    page.goto(f"/calldata/scenarios/{scenario.pk}/brief/")
    expect(page.get_by_text("Modelled on the published description")).to_be_visible()
    screenshot(page, "brief")
