"""A real Celery worker on Redis: a task queued after commit round-trips through the broker."""

import os

import pytest
from django.conf import settings
from django.core import mail

from gpl_cohort.outbox.models import EmailDelivery
from gpl_cohort.outbox.services import email_queue

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not (settings.REDIS_URL and settings.DATABASE_IS_POSTGRES)
        and os.environ.get("CI") != "true",
        reason="needs REDIS_URL and a PostgreSQL DATABASE_URL (as .ci/run sets them): "
        "a worker thread cannot share SQLite's in-memory test database",
    ),
]


@pytest.fixture
def celery_worker_on_redis(transactional_db):
    if not (settings.REDIS_URL and settings.DATABASE_IS_POSTGRES):
        pytest.fail("CI=true needs REDIS_URL and a PostgreSQL DATABASE_URL: .ci/run exports them")
    from celery.contrib.testing.worker import start_worker

    from gpl_cohort.celery import app

    app.control.purge()
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False) as worker:
        yield worker


def test_an_email_queued_after_commit_is_sent_by_a_real_worker(celery_worker_on_redis):
    from gpl_cohort.celery import app

    assert app.conf.broker_url.startswith("redis://")
    assert app.conf.task_always_eager is False
    (delivery,) = email_queue(
        message_key="worker-round-trip",
        recipients=["worker@city.gov"],
        subject="Round trip",
        text="Through Redis and back.",
    )
    # No transaction is open (transactional_db): on_commit ran .delay() at once, into Redis.
    from gpl_cohort.outbox.tasks import email_deliver_task

    result = email_deliver_task.delay(delivery.pk)  # a second send of the same row: a no-op
    assert result.get(timeout=30) == "sent"
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Round trip"]
