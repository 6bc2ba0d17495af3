"""Deleting a dataset (page and API): its upload, Parquet and scenario table leave storage,
scenarios move to the remaining data, and the audit log keeps the fact."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.files.storage import default_storage
from django.urls import reverse

from calldata import services
from calldata.models import CallTypeMapping, Dataset, Scenario
from tests.calldata import exports, files
from tests.calldata.conftest import import_upload, upload

pytestmark = pytest.mark.django_db


def _stored_files(prefix: str) -> list[str]:
    try:
        folders, names = default_storage.listdir(prefix)
    except FileNotFoundError:
        return []
    return names + [n for f in folders for n in _stored_files(f"{prefix}/{f}")]


def test_a_contact_deletes_an_imported_dataset_and_its_files_leave_storage(
    imported_a, contact_a_client, django_capture_on_commit_callbacks
):
    upload_name, parquet = imported_a.file.name, imported_a.parquet_dir
    assert default_storage.exists(upload_name) and _stored_files(parquet)
    url = reverse("calldata:dataset_delete", args=[imported_a.pk])
    assert "Delete the dataset and its files" in contact_a_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(url)
    assert response.status_code == 302 and response.url == reverse("calldata:index")
    assert not Dataset.objects.filter(pk=imported_a.pk).exists()
    assert not default_storage.exists(upload_name)
    assert _stored_files(parquet) == []
    assert not default_storage.exists(parquet)
    entry = LogEntry.objects.get_for_object(imported_a).get(action=LogEntry.Action.DELETE)
    assert entry.actor == imported_a.uploaded_by
    assert imported_a.original_name in entry.object_repr


def test_a_failed_upload_can_be_deleted(contact_a, jurisdiction_a, contact_a_client):
    dataset = services.dataset_upload(
        user=contact_a, jurisdiction=jurisdiction_a, upload=upload("x.pdf", b"%PDF-1.4\x00\x01")
    )
    assert dataset.status == Dataset.Status.FAILED
    response = contact_a_client.post(reverse("calldata:dataset_delete", args=[dataset.pk]))
    assert response.status_code == 302
    assert not Dataset.objects.exists()


def test_a_dataset_being_imported_is_not_deleted(imported_a, contact_a_client):
    Dataset.objects.filter(pk=imported_a.pk).update(status=Dataset.Status.RUNNING)
    response = contact_a_client.post(reverse("calldata:dataset_delete", args=[imported_a.pk]))
    assert response.status_code == 302
    assert Dataset.objects.filter(pk=imported_a.pk).exists()
    page = contact_a_client.get(response.url).content.decode()
    assert "cancel the import first" in page


def test_another_jurisdiction_cannot_delete_a_dataset(
    imported_a, contact_b_client, practitioner_client, client
):
    url = reverse("calldata:dataset_delete", args=[imported_a.pk])
    assert contact_b_client.post(url).status_code == 404
    assert contact_b_client.get(url).status_code == 404
    assert practitioner_client.post(url).status_code == 403
    assert client.post(url).status_code == 302  # to the login page
    assert Dataset.objects.filter(pk=imported_a.pk).exists()


def test_scenarios_and_call_counts_follow_the_remaining_data(
    imported_a, contact_a, jurisdiction_a, django_capture_on_commit_callbacks
):
    older = imported_a
    newer = services.dataset_upload(
        user=contact_a,
        jurisdiction=jurisdiction_a,
        upload=upload("new.csv", files.csv_text(rows=files.ROWS[:3]).encode()),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_set_mapping(dataset=newer, mapping=newer.mapping, user=contact_a)
    scenario = services.scenario_from_preset(
        jurisdiction=jurisdiction_a, user=contact_a, key="denver-star"
    )
    assert scenario.dataset_id == newer.pk
    assert CallTypeMapping.objects.get(call_type="INTOXICATED PERSON").calls == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_delete(dataset=Dataset.objects.get(pk=newer.pk))
    scenario.refresh_from_db()
    assert scenario.dataset_id == older.pk
    assert scenario.results["dataset"]["id"] == older.pk  # recomputed on what remains
    assert CallTypeMapping.objects.get(call_type="INTOXICATED PERSON").calls == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_delete(dataset=older)
    assert Scenario.objects.get(pk=scenario.pk).dataset is None
    assert Scenario.objects.get(pk=scenario.pk).results == {}  # nothing left to compute on
    assert set(CallTypeMapping.objects.values_list("calls", flat=True)) == {0}


API = "/api/v1/calldata/datasets/"


def test_the_api_deletes_a_dataset_and_refuses_one_being_imported(
    imported_a, contact_a_client, contact_b_client, django_capture_on_commit_callbacks
):
    assert contact_b_client.delete(f"{API}{imported_a.pk}/").status_code == 404
    Dataset.objects.filter(pk=imported_a.pk).update(status=Dataset.Status.QUEUED)
    response = contact_a_client.delete(f"{API}{imported_a.pk}/")
    assert response.status_code == 409 and "cancel the import" in response.json()["detail"]
    Dataset.objects.filter(pk=imported_a.pk).update(status=Dataset.Status.DONE)
    with django_capture_on_commit_callbacks(execute=True):
        assert contact_a_client.delete(f"{API}{imported_a.pk}/").status_code == 204
    assert not default_storage.exists(imported_a.file.name)
    assert (
        LogEntry.objects.get_for_object(imported_a).filter(action=LogEntry.Action.DELETE).exists()
    )


def test_the_delete_page_of_an_import_with_warnings_says_so(
    contact_a_client, jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    dataset = import_upload(
        jurisdiction_a,
        contact_a,
        "cut.csv",
        exports.TRUNCATED.encode(),
        django_capture_on_commit_callbacks,
    )
    assert dataset.warning_count == 1
    page = contact_a_client.get(reverse("calldata:dataset_delete", args=[dataset.pk]))
    assert "Imported with warnings" in page.content.decode()
