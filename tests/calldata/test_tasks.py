"""The import task's lease and the takeover of an import whose worker died (in the test's
process; tests/calldata/test_worker_recovery.py does it with a real worker and SIGKILL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from calldata import services, tasks
from calldata.models import Dataset
from tests.calldata import files
from tests.calldata.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def abandoned(jurisdiction_a, contact_a):
    """A dataset left "running" by a dead worker, with its half-written temporary folder."""
    dataset = services.dataset_upload(
        user=contact_a,
        jurisdiction=jurisdiction_a,
        upload=upload("calls.csv", files.csv_text().encode()),
    )
    Dataset.objects.filter(pk=dataset.pk).update(status=Dataset.Status.RUNNING, rows_read=3)
    leftover = Path(settings.CALLDATA_WORK_DIR) / f"{dataset.pk}-deadbeef"
    (leftover / "parquet").mkdir(parents=True)
    (leftover / "parquet" / "part-0.parquet").write_bytes(b"half")
    yield dataset, leftover
    cache.delete(f"calldata:import-lease:{dataset.pk}")


def test_an_import_left_running_without_a_lease_is_taken_over_and_finished(abandoned):
    dataset, leftover = abandoned
    assert tasks.resume_stalled_imports() == 1  # eager: the import runs here
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE
    assert dataset.rows_kept == 6
    assert not leftover.exists()
    assert not tasks.import_is_alive(dataset.pk)  # the lease is given back
    assert tasks.resume_stalled_imports() == 0


def test_an_import_whose_worker_is_alive_is_left_alone(abandoned):
    dataset, leftover = abandoned
    cache.set(f"calldata:import-lease:{dataset.pk}", "another-worker", 60)
    assert tasks.resume_stalled_imports() == 0
    assert tasks.import_dataset.delay(dataset.pk).get() == Dataset.Status.RUNNING
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.RUNNING and dataset.rows_read == 3
    assert leftover.exists()


def test_the_import_task_acknowledges_late_and_requeues_on_a_lost_worker():
    assert tasks.import_dataset.acks_late is True
    assert tasks.import_dataset.reject_on_worker_lost is True
    schedule = settings.CELERY_BEAT_SCHEDULE["calldata-resume-stalled-imports"]
    assert schedule["task"] == "calldata.tasks.resume_stalled_imports"
