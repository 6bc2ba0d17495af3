"""The call-data import queue: a dataset queued after its transaction commits, to a Celery worker
or, with no worker, to a thread of this process; stored files removed after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from calldata.models import Dataset


def _queue(dataset: Dataset) -> None:
    """Put a dataset in the import queue (after the surrounding transaction commits)."""
    dataset.status = Dataset.Status.QUEUED
    dataset.error = ""
    dataset.progress = 0
    dataset.rows_read = 0
    dataset.phase = "queued"
    dataset.cancel_requested = False
    dataset.save()
    transaction.on_commit(lambda: _enqueue(dataset.pk))


def _enqueue(dataset_id: int) -> None:
    from calldata.tasks import import_dataset, import_in_background

    if settings.CALLDATA_IMPORT_IN_BACKGROUND and import_dataset.app.conf.task_always_eager:
        # No worker: a thread of this process stands in for one (see tasks.py).
        import_in_background(dataset_id)
    else:
        import_dataset.delay(dataset_id)


def _delete_stored(name: str | None) -> None:
    if name:
        default_storage.delete(name)
