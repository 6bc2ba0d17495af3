"""/api/v1/calldata/: datasets (read, upload, mapping) and scenarios (CRUD + results)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from calldata.models import Dataset, Scenario
from tests.calldata import files

pytestmark = pytest.mark.django_db

DATASETS = "/api/v1/calldata/datasets/"
SCENARIOS = "/api/v1/calldata/scenarios/"


def _upload(client, jurisdiction, content=None):
    content = content or files.csv_text().encode()
    return client.post(
        DATASETS,
        {"jurisdiction": jurisdiction.pk, "file": SimpleUploadedFile("calls.csv", content)},
    )


@pytest.fixture
def api_dataset(contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks):
    response = _upload(contact_a_client, jurisdiction_a)
    assert response.status_code == 201, response.content
    dataset_id = response.json()["id"]
    mapping = response.json()["mapping"]
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(
            f"{DATASETS}{dataset_id}/mapping/", mapping, content_type="application/json"
        )
    assert response.status_code == 202, response.content
    return Dataset.objects.get(pk=dataset_id)


def test_a_contact_uploads_maps_and_reads_a_dataset(api_dataset, contact_a_client):
    assert api_dataset.status == Dataset.Status.DONE
    detail = contact_a_client.get(f"{DATASETS}{api_dataset.pk}/").json()
    assert detail["summary"]["calls"] == 6
    assert detail["report"]["duplicates"]["records_merged"] == 1
    listed = contact_a_client.get(DATASETS).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [api_dataset.pk]


def test_another_jurisdictions_dataset_is_invisible(
    api_dataset, contact_b_client, practitioner_client, client
):
    assert contact_b_client.get(f"{DATASETS}{api_dataset.pk}/").status_code == 404
    listed = contact_b_client.get(DATASETS).json()
    assert (listed["results"] if isinstance(listed, dict) else listed) == []
    assert client.get(DATASETS).status_code in (401, 403)
    assert practitioner_client.post(DATASETS, {}).status_code == 403


def test_uploads_for_another_jurisdiction_and_bad_mappings_are_refused(
    api_dataset, contact_a_client, jurisdiction_b
):
    assert _upload(contact_a_client, jurisdiction_b).status_code == 400
    response = contact_a_client.post(
        f"{DATASETS}{api_dataset.pk}/mapping/",
        {"fields": {"priority": "Priority"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "call type" in str(response.json())


def test_an_unreadable_upload_is_kept_and_reported(contact_a_client, jurisdiction_a):
    response = _upload(contact_a_client, jurisdiction_a, files.PNG)
    assert response.status_code == 201
    assert response.json()["status"] == "failed"
    assert "not a CSV" in response.json()["error"]


def test_scenarios_are_created_changed_computed_and_deleted(
    api_dataset, contact_a_client, contact_b_client, jurisdiction_a
):
    response = contact_a_client.post(
        SCENARIOS,
        {
            "jurisdiction": jurisdiction_a.pk,
            "name": "Welfare only",
            "preset": "",
            "criteria": {"categories": ["welfare_check"]},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    scenario_id = response.json()["id"]
    results = contact_a_client.get(f"{SCENARIOS}{scenario_id}/results/").json()
    assert results["eligible_calls"] == 1
    response = contact_a_client.patch(
        f"{SCENARIOS}{scenario_id}/",
        {"criteria": {"categories": ["welfare_check", "substance_use"]}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    results = contact_a_client.get(f"{SCENARIOS}{scenario_id}/results/").json()
    assert results["eligible_calls"] == 2
    assert contact_b_client.get(f"{SCENARIOS}{scenario_id}/results/").status_code == 404
    bad = contact_a_client.post(
        SCENARIOS,
        {"jurisdiction": jurisdiction_a.pk, "name": "x", "criteria": {"colour": "red"}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "Unknown criteria" in str(bad.json())
    assert contact_a_client.delete(f"{SCENARIOS}{scenario_id}/").status_code == 204
    assert not Scenario.objects.exists()


def test_scenario_results_without_data_say_so(contact_b_client, jurisdiction_b):
    response = contact_b_client.post(
        SCENARIOS,
        {"jurisdiction": jurisdiction_b.pk, "name": "Nothing yet", "criteria": {}},
        content_type="application/json",
    )
    assert response.status_code == 201
    results = contact_b_client.get(f"{SCENARIOS}{response.json()['id']}/results/")
    assert results.status_code == 409
