"""Issue 7: a Celery worker killed with SIGKILL in the middle of a call-data import loses
nothing: after a restart the import finishes once, with no duplicate rows.

A real prefork worker (a subprocess on Redis and the PostgreSQL test database) imports a
generated CAD export of 850,000 rows (45 MB, read in 2 MB frames, so the progress shows rows read
well before the end). When it does, the worker's whole process group is SIGKILLed; a new
worker is started and the sweeper (what beat runs every minute) is sent until the import is
done. Then: the dataset is imported, its rows equal the file's valid rows, the Parquet holds
each incident id once, no temporary folder is left, and one summary counts every call once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File

from calldata import selectors, services
from calldata.engine.pipeline import read_parquet
from calldata.models import CallTypeMapping, Dataset
from tests.celery_workers import (
    REAL_WORKER_MARKS,
    require_postgres_and_redis,
    wait_for,
    worker_start,
    worker_stop,
)

ROWS = 850_000
LEASE_SECONDS = 4
CALL_TYPES = ["WELFARE CHECK", "NOISE COMPLAINT", "TRAFFIC STOP", "MENTAL HEALTH", "THEFT"]

pytestmark = REAL_WORKER_MARKS


def _export(path: Path) -> Path:
    """A CAD export whose every row is a valid call with its own incident number."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Incident Number,Nature Code,Priority,Call Received,Beat,Call Source\n")
        for start in range(0, ROWS, 50_000):
            handle.write(
                "".join(
                    f"24-{n:07d},{CALL_TYPES[n % 5]},{1 + n % 4},"
                    f"03/{1 + n % 28:02d}/2024 {n % 24:02d}:{n % 60:02d}:00,B{n % 7},911\n"
                    for n in range(start, min(start + 50_000, ROWS))
                )
            )
    return path


def upload_cad_export(*, jurisdiction, user, folder: Path) -> Dataset:
    """The generated export, written to `folder` and uploaded as `user` for `jurisdiction`."""
    with _export(folder / "cad-export.csv").open("rb") as handle:
        return services.dataset_upload(
            user=user, jurisdiction=jurisdiction, upload=File(handle, name="cad.csv")
        )


def _worker(name: str) -> subprocess.Popen:
    return worker_start(
        name,
        environment={
            "CALLDATA_IMPORT_LEASE_SECONDS": str(LEASE_SECONDS),
            "CALLDATA_IMPORT_FRAME_BYTES": str(2 * 1024 * 1024),
        },
    )


def test_an_import_survives_a_killed_worker_once_and_without_duplicates(
    jurisdiction_a, contact_a, tmp_path
):
    require_postgres_and_redis()
    from gpl_cohort.celery import app

    app.control.purge()
    dataset = upload_cad_export(jurisdiction=jurisdiction_a, user=contact_a, folder=tmp_path)
    assert dataset.mapping["fields"]["incident_id"] == "Incident Number"
    work = Path(settings.CALLDATA_WORK_DIR)

    first = _worker("calldata-recovery-a")
    second = None
    try:
        time.sleep(3)  # let the worker connect before the task
        # No transaction is open (transactional test): on_commit sends the task at once.
        services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=contact_a)

        def reading() -> bool:
            dataset.refresh_from_db()
            return dataset.status == Dataset.Status.RUNNING and dataset.rows_read > 0

        wait_for(reading, 240, "the import to report rows read", first)
        assert dataset.rows_read < ROWS
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        dataset.refresh_from_db()
        assert dataset.status == Dataset.Status.RUNNING  # left behind by the dead worker
        assert list(work.glob(f"{dataset.pk}-*")), "the dead run's temporary folder"

        second = _worker("calldata-recovery-b")
        last_sweep = 0.0

        def done() -> bool:
            nonlocal last_sweep
            dataset.refresh_from_db()
            if dataset.status == Dataset.Status.RUNNING and time.monotonic() - last_sweep > 2:
                app.send_task("calldata.tasks.resume_stalled_imports")  # as beat would
                last_sweep = time.monotonic()
            return dataset.status not in (Dataset.Status.RUNNING, Dataset.Status.QUEUED)

        wait_for(done, 300, "the import to finish after the restart", second)
    finally:
        worker_stop(first)
        if second is not None:
            worker_stop(second)

    assert dataset.status == Dataset.Status.DONE, dataset.error
    assert dataset.rows_read == ROWS
    assert dataset.rows_kept == ROWS
    filesystem, path = selectors.parquet_location(dataset)
    calls = read_parquet(path, ["incident_id"], filesystem=filesystem)
    assert len(calls) == ROWS
    assert calls["incident_id"].is_unique
    assert not list(work.glob(f"{dataset.pk}-*"))
    assert dataset.summary["calls"] == ROWS
    counted = CallTypeMapping.objects.filter(jurisdiction=jurisdiction_a)
    assert sorted(counted.values_list("call_type", flat=True)) == sorted(CALL_TYPES)
    assert sum(counted.values_list("calls", flat=True)) == ROWS
