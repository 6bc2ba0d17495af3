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


TREES = "/api/v1/calldata/trees/"
OUTCOMES = "/api/v1/calldata/outcomes/"
TREE = {
    "question": "Is anyone in immediate danger?",
    "test": {"kind": "priority_at_most", "value": 1},
    "yes": {"leaf": "police"},
    "no": {"leaf": "alternative", "label": "Crisis team"},
}


def test_a_contact_saves_tree_versions_and_reads_the_leaf_volumes(
    api_dataset, contact_a_client, contact_b_client, jurisdiction_a
):
    body = {"jurisdiction": jurisdiction_a.pk, "name": "Triage", "nodes": TREE, "note": "v1"}
    first = contact_a_client.post(TREES, body, content_type="application/json")
    assert first.status_code == 201, first.content
    second = contact_a_client.post(TREES, body, content_type="application/json")
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    detail = contact_a_client.get(f"{TREES}{second.json()['id']}/").json()
    assert detail["nodes"] == TREE
    volumes = detail["volumes"]
    assert volumes["dataset"] == api_dataset.pk
    assert [leaf["path"] for leaf in volumes["leaves"]] == ["root.yes", "root.no"]
    assert volumes["leaves"][1]["label"] == "Crisis team"
    assert sum(leaf["count"] for leaf in volumes["leaves"]) == api_dataset.rows_kept
    listed = contact_a_client.get(TREES, {"name": "Triage"}).json()
    assert [row["version"] for row in listed["results"]] == [2, 1]
    assert contact_b_client.get(f"{TREES}{second.json()['id']}/").status_code == 404
    assert contact_b_client.get(TREES).json()["results"] == []


def test_a_bad_tree_or_another_jurisdiction_is_refused_with_a_message(
    contact_a_client, practitioner_client, jurisdiction_a, jurisdiction_b
):
    def post(client, **changes):
        body = {"jurisdiction": jurisdiction_a.pk, "name": "Triage", "nodes": TREE, **changes}
        return client.post(TREES, body, content_type="application/json")

    moon = post(contact_a_client, nodes={"leaf": "moon"})
    assert moon.status_code == 400 and "leaf must be one of" in moon.json()["nodes"][0]
    bad_test = {**TREE, "test": {"kind": "category", "values": "medical"}}
    assert "values as text" in post(contact_a_client, nodes=bad_test).json()["nodes"][0]
    nul = {**TREE, "question": "Danger\u0000?"}
    assert post(contact_a_client, nodes=nul).status_code == 400
    other = post(contact_a_client, jurisdiction=jurisdiction_b.pk)
    assert other.status_code == 400 and "jurisdiction" in other.json()
    assert post(practitioner_client).status_code == 403
    from calldata.models import DecisionTree

    assert not DecisionTree.objects.exists()


def test_outcomes_are_listed_and_recorded_per_jurisdiction(
    contact_a_client, contact_b_client, jurisdiction_a, jurisdiction_b
):
    record = {
        "jurisdiction": jurisdiction_a.pk,
        "occurred_on": "2024-05-02",
        "call_type": "WELFARE CHECK",
        "response_min": 12,
        "outcome": "resolved",
    }
    created = contact_a_client.post(OUTCOMES, record, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["on_scene_min"] is None
    negative = contact_a_client.post(
        OUTCOMES, {**record, "response_min": -3}, content_type="application/json"
    )
    assert negative.status_code == 400 and "response_min" in negative.json()
    elsewhere = contact_a_client.post(
        OUTCOMES, {**record, "jurisdiction": jurisdiction_b.pk}, content_type="application/json"
    )
    assert elsewhere.status_code == 400
    assert [r["call_type"] for r in contact_a_client.get(OUTCOMES).json()["results"]] == [
        "WELFARE CHECK"
    ]
    assert contact_b_client.get(OUTCOMES).json()["results"] == []
