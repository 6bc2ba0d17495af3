"""Without a worker (eager Celery, `make run`), an import runs in a background thread of the
web process: the request that confirms the mapping returns at once, the page shows progress,
and a cancel is seen."""

from __future__ import annotations

import threading

import pytest
from django.urls import reverse

from calldata import services, tasks
from calldata.models import Dataset
from tests.calldata import files
from tests.calldata.conftest import upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def background(settings):
    """The import thread on, held by a gate until the test opens it."""
    settings.CALLDATA_IMPORT_IN_BACKGROUND = True
    gate = threading.Event()
    tasks._background().submit(gate.wait, 30)
    yield gate
    gate.set()
    tasks._background().submit(lambda: None).result(timeout=30)  # every queued import done


def _mapped(client, jurisdiction, contact) -> Dataset:
    dataset = services.dataset_upload(
        user=contact,
        jurisdiction=jurisdiction,
        upload=upload("calls.csv", files.csv_text().encode()),
    )
    form = {f"field_{k}": v for k, v in dataset.mapping["fields"].items()}
    response = client.post(reverse("calldata:mapping", args=[dataset.pk]), form)
    assert response.status_code == 302
    return dataset


def test_the_mapping_returns_before_the_import_which_runs_in_the_background(
    background, contact_a_client, contact_a, jurisdiction_a
):
    dataset = _mapped(contact_a_client, jurisdiction_a, contact_a)
    progress = contact_a_client.get(reverse("calldata:progress", args=[dataset.pk])).json()
    assert progress["status"] == "queued" and progress["active"] is True
    background.set()
    tasks._background().submit(lambda: None).result(timeout=30)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE, dataset.error
    assert dataset.rows_kept == 6 and dataset.progress == 100


def test_an_import_waiting_in_the_background_is_cancelled(
    background, contact_a_client, contact_a, jurisdiction_a
):
    dataset = _mapped(contact_a_client, jurisdiction_a, contact_a)
    response = contact_a_client.post(reverse("calldata:cancel", args=[dataset.pk]))
    assert response.status_code == 302
    background.set()
    tasks._background().submit(lambda: None).result(timeout=30)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.CANCELLED
    assert not dataset.summary


def test_a_running_import_sees_a_cancel_between_frames(
    settings, contact_a, jurisdiction_a, monkeypatch
):
    settings.CALLDATA_IMPORT_IN_BACKGROUND = True
    # Different minutes: received times all on one minute are refused before the import.
    rows = [
        files.ROWS[0].replace("24-0001", f"24-{i:05d}").replace(":23:36", f":{i % 60:02d}:36")
        for i in range(400)
    ]
    dataset = services.dataset_upload(
        user=contact_a,
        jurisdiction=jurisdiction_a,
        upload=upload("calls.csv", files.csv_text(rows=rows).encode()),
    )
    reading = threading.Event()
    from calldata.services import imports as import_services

    report = import_services._progress

    def progress(dataset_id, estimated, task):
        inner = report(dataset_id, estimated, task)

        def seen(rows: int, phase: str) -> None:
            inner(rows, phase)
            if rows:
                reading.set()
                Dataset.objects.filter(pk=dataset_id).update(cancel_requested=True)

        return seen

    monkeypatch.setattr(import_services, "_progress", progress)
    services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=contact_a)
    assert reading.wait(30)
    tasks._background().submit(lambda: None).result(timeout=30)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.CANCELLED
    assert not dataset.summary and dataset.rows_kept == 0
