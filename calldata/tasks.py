"""Background work for call data: the import of an uploaded CAD export."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from calldata import services


@shared_task(
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def import_dataset(self, dataset_id: int) -> str:
    """Import one dataset by id. Only database hiccups are retried; a bad file is recorded as
    a failed import by the service, and a dataset that is not queued is left alone."""
    return services.dataset_import(dataset_id=dataset_id, task=self)
