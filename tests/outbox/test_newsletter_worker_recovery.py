"""A Celery worker killed with SIGKILL mid-send loses nothing and duplicates nothing.

Runs bench/newsletter.py in its small form: a real prefork worker on Redis sends a newsletter
to 300 subscribers through a local SMTP sink that counts every message by its delivery id; a
third of the way in the worker is SIGKILLed, a new one is started and the outbox sweeper runs.
The bench exits 0 only when every subscriber got exactly one message.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.celery_workers import NEEDS_POSTGRES_AND_REDIS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.worker, NEEDS_POSTGRES_AND_REDIS]


def _fresh_database(url) -> None:
    import psycopg2

    admin = psycopg2.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute('DROP DATABASE IF EXISTS "cohort_recovery_bench" WITH (FORCE)')
        cursor.execute('CREATE DATABASE "cohort_recovery_bench"')
    admin.close()


def test_a_newsletter_survives_a_killed_worker_with_no_loss_and_no_duplicate():
    database = urlparse(os.environ["DATABASE_URL"])
    _fresh_database(database)
    bench_database = database._replace(path="/cohort_recovery_bench").geturl()
    redis = urlparse(os.environ["REDIS_URL"])._replace(path="/6").geturl()
    result = subprocess.run(
        [sys.executable, "bench/newsletter.py", "--recipients", "300", "--timeout", "240"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": bench_database, "REDIS_URL": redis},
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["worker_killed"] is True, result.stderr[-3000:]
    assert summary["recipients"] == 300
    assert summary["delivered"] == 300, result.stderr[-3000:]
    assert summary["duplicates"] == 0, result.stderr[-3000:]
    assert result.returncode == 0
