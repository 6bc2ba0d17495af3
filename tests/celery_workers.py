"""Real Celery workers for the worker tests: prefork subprocesses on Redis and the test database.

Each runs in a process group of its own, so that a test can SIGKILL the pool process with its
parent, and is stopped (TERM, then KILL) whatever the test did.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

# Worker tests run on PostgreSQL and Redis, and are skipped without them, except under
# CI=true, where require_postgres_and_redis() fails the test instead.
NEEDS_POSTGRES_AND_REDIS = pytest.mark.skipif(
    not (settings.DATABASE_IS_POSTGRES and settings.REDIS_URL) and os.environ.get("CI") != "true",
    reason="needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL, as .ci/run sets them)",
)
# A test module whose workers read the rows its test commits.
REAL_WORKER_MARKS = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    NEEDS_POSTGRES_AND_REDIS,
]


def require_postgres_and_redis() -> None:
    if not (settings.DATABASE_IS_POSTGRES and settings.REDIS_URL):
        pytest.fail("CI=true needs REDIS_URL and a PostgreSQL DATABASE_URL: .ci/run exports them")


def worker_start(
    name: str, *, queues: tuple[str, ...] = (), environment: dict[str, str] | None = None
) -> subprocess.Popen:
    """A worker on this test run's database; `queues` as -Q (all of CELERY_TASK_QUEUES when
    empty, as `make worker` runs)."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
        f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "STORAGE_URL": settings.STORAGE_URL,
        "CALLDATA_WORK_DIR": str(settings.CALLDATA_WORK_DIR),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONPATH": str(ROOT),
        **(environment or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "gpl_cohort", "worker",
        "--pool", "prefork", "--concurrency", "1", "--loglevel", "WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"{name}-{os.getpid()}@%h",
        *(["--queues", ",".join(queues)] if queues else []),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603


def wait_for(
    condition: Callable[[], bool], timeout: float, what: str, *workers: subprocess.Popen
) -> float:
    """Seconds it took for `condition` to hold; fails on a timeout or a worker that exited."""
    started = time.monotonic()
    while not condition():
        for worker in workers:
            assert worker.poll() is None, f"a worker exited while waiting for {what}"
        assert time.monotonic() - started < timeout, f"timed out waiting for {what}"
        time.sleep(0.1)
    return time.monotonic() - started


def worker_stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
