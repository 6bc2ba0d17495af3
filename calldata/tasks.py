"""Background work for call data: the import of an uploaded CAD export, and the sweeper that
takes over an import whose worker died.

An import holds a lease (a cache key, refreshed by a heartbeat thread) for as long as it runs.
A worker killed with SIGKILL stops the heartbeat, so the lease expires; a dataset still
"running" without a lease was abandoned. The sweeper (beat, every minute) queues it again, and
the task that picks it up removes the dead run's temporary folders, sets it back to queued and
imports it from the start: the Parquet of a run is written to a local work folder and
published to the storage only at the end, so nothing of the dead run is kept and nothing is
counted twice. The broker's own redelivery of the dead worker's message (acks_late, after the
visibility timeout) then finds the dataset done and changes nothing.
"""

from __future__ import annotations

import logging
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from celery import Task, shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from calldata import services
from calldata.models import Dataset


def lease_seconds() -> int:
    return int(getattr(settings, "CALLDATA_IMPORT_LEASE_SECONDS", 60))


def _lease_key(dataset_id: int) -> str:
    return f"calldata:import-lease:{dataset_id}"


def import_is_alive(dataset_id: int) -> bool:
    return cache.get(_lease_key(dataset_id)) is not None


@contextmanager
def _lease(dataset_id: int) -> Iterator[bool]:
    """Yields True when this worker holds the dataset's import lease (kept alive by a
    heartbeat thread until the block ends), False when another live worker holds it."""
    key, token, ttl = _lease_key(dataset_id), uuid.uuid4().hex, lease_seconds()
    if not cache.add(key, token, timeout=ttl):
        yield False
        return
    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(max(ttl / 4, 0.5)):
            cache.touch(key, ttl)

    beat = threading.Thread(target=heartbeat, name=f"calldata-lease-{dataset_id}", daemon=True)
    beat.start()
    try:
        yield True
    finally:
        stop.set()
        beat.join()
        if cache.get(key) == token:
            cache.delete(key)


def _take_over(dataset_id: int) -> bool:
    """A dataset left "running" while nobody holds its lease was abandoned by a dead worker:
    remove that run's temporary folders and put it back in the queue. Call with the lease held."""
    # The work folder is local: a dead run's is removed when its import resumes on the same
    # machine (on another, the dead machine's scratch space is gone with it).
    for folder in Path(settings.CALLDATA_WORK_DIR).glob(f"{dataset_id}-*"):
        shutil.rmtree(folder, ignore_errors=True)
    return bool(
        Dataset.objects.filter(pk=dataset_id, status=Dataset.Status.RUNNING).update(
            status=Dataset.Status.QUEUED, phase="queued", progress=0, rows_read=0
        )
    )


@shared_task(
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
)
def import_dataset(self: Task, dataset_id: int) -> str:
    """Import one dataset by id. Only database hiccups are retried; a bad file is recorded as
    a failed import by the service; a dataset being imported by a live worker, or not queued,
    is left alone; one left running by a dead worker is taken over."""
    with _lease(dataset_id) as held:
        if not held:
            status = Dataset.objects.filter(pk=dataset_id).values_list("status", flat=True)
            return status.first() or "missing"
        _take_over(dataset_id)
        return services.dataset_import(dataset_id=dataset_id, task=self)


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def compute_scenarios(jurisdiction_id: int) -> int:
    """Compute the stored results of a jurisdiction's scenarios that have none (queued when a
    change to the taxonomy, the reading settings or the data cleared them). Safe to run twice:
    a scenario with results is left alone."""
    return services.scenarios_compute(jurisdiction_id=jurisdiction_id)


@shared_task
def resume_stalled_imports() -> int:
    """Beat, every minute: queue again each import left running by a worker that died (its
    lease expired). Returns how many were queued; running it twice is harmless."""
    stalled = [
        pk
        for pk in Dataset.objects.filter(status=Dataset.Status.RUNNING).values_list("pk", flat=True)
        if not import_is_alive(pk)
    ]
    for pk in stalled:
        import_dataset.delay(pk)
    return len(stalled)


# --- without a worker -------------------------------------------------------------------------
# With eager Celery (`make run`: SQLite, no Redis) a task runs where it is queued, which put a
# whole import inside the request that confirmed the mapping: a frozen page, no progress, no
# cancel. One background thread of the web process stands in for the worker instead: imports
# run one after another (SQLite takes one writer at a time), report their progress in the
# database as on a worker, and see a cancel between frames. The first import after a restart
# of the server first takes over the imports a previous process left running (as the sweeper
# does for a dead worker).

logger = logging.getLogger(__name__)
_BACKGROUND: ThreadPoolExecutor | None = None
_BACKGROUND_LOCK = threading.Lock()


def _background() -> ThreadPoolExecutor:
    global _BACKGROUND
    with _BACKGROUND_LOCK:
        if _BACKGROUND is None:
            _BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calldata-import")
            _BACKGROUND.submit(_in_thread, resume_stalled_imports)
        return _BACKGROUND


def _in_thread(work: Callable[..., object], *args: object) -> object:
    close_old_connections()
    try:
        return work(*args)
    except Exception:  # the import records its own failures; anything else is logged
        logger.exception("calldata background work failed")
        return None
    finally:
        connection.close()  # this thread's own connection


def import_in_background(dataset_id: int) -> Future:
    """Run the import task of one dataset in the web process's import thread."""
    return _background().submit(_in_thread, import_dataset, dataset_id)


def compute_in_background(jurisdiction_id: int) -> Future:
    """Compute a jurisdiction's missing scenario results in the web process's import thread."""
    return _background().submit(_in_thread, compute_scenarios, jurisdiction_id)
