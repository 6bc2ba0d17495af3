"""Queues by kind of work: a long call-data import does not hold up a password reset.

As docker-compose runs them, an importer takes only the `imports` queue and a mailer only
`email`; while a call-data import keeps the importer busy, a password reset asked for on the
site is sent by the mailer within a few seconds. The routes are in settings
(CELERY_TASK_ROUTES); a worker started without -Q takes every queue.
"""

from __future__ import annotations

from django.test import Client

from calldata import services
from calldata.models import Dataset
from gpl_cohort.celery import app
from gpl_cohort.outbox.models import EmailDelivery
from tests.calldata.test_worker_recovery import upload_cad_export
from tests.celery_workers import (
    REAL_WORKER_MARKS,
    require_postgres_and_redis,
    wait_for,
    worker_start,
    worker_stop,
)

pytestmark = REAL_WORKER_MARKS


def route_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name, (), {})["queue"].name


def test_email_imports_and_the_rest_go_to_queues_of_their_own():
    assert route_of("gpl_cohort.outbox.tasks.email_deliver_task") == "email"
    assert route_of("gpl_cohort.outbox.tasks.email_deliver_batch_task") == "email"
    assert route_of("calldata.tasks.import_dataset") == "imports"
    assert route_of("calldata.tasks.resume_stalled_imports") == "default"
    assert route_of("community.tasks.community_reminders_task") == "default"
    assert sorted(app.amqp.queues) == ["default", "email", "imports"]


def test_a_password_reset_is_sent_while_a_long_import_keeps_the_importer_busy(
    jurisdiction_a, contact_a, tmp_path
):
    require_postgres_and_redis()
    app.control.purge()
    dataset = upload_cad_export(jurisdiction=jurisdiction_a, user=contact_a, folder=tmp_path)
    mail_folder = tmp_path / "mail"
    environment = {  # small frames: the import stays busy a long while, reporting as it goes
        "CALLDATA_IMPORT_FRAME_BYTES": str(256 * 1024),
        "EMAIL_BACKEND": "gpl_cohort.mail_backends.EmlFileBackend",
        "EMAIL_FILE_PATH": str(mail_folder),
    }
    importer = worker_start("importer", queues=("imports",), environment=environment)
    mailer = worker_start("mailer", queues=("email",), environment=environment)
    try:
        services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=contact_a)

        def importing() -> bool:
            dataset.refresh_from_db()
            return dataset.status == Dataset.Status.RUNNING and dataset.rows_read > 0

        wait_for(importing, 120, "the importer to start the import", importer, mailer)
        response = Client().post("/accounts/password-reset/", {"email": contact_a.email})
        assert response.status_code == 302
        delivery = EmailDelivery.objects.get(message_key__startswith="password-reset:")
        assert delivery.recipient == contact_a.email

        def sent() -> bool:
            delivery.refresh_from_db()
            return delivery.status == EmailDelivery.Status.SENT

        seconds = wait_for(sent, 30, "the password reset to be sent", importer, mailer)
        dataset.refresh_from_db()
        assert dataset.status == Dataset.Status.RUNNING, "the import was still going on"
        assert seconds < 5, f"the reset took {seconds:.1f} s behind the import"
        (message,) = mail_folder.glob("*.eml")
        assert "reset" in message.read_text().lower()

        services.dataset_cancel(dataset=dataset)

        def stopped() -> bool:
            dataset.refresh_from_db()
            return dataset.status != Dataset.Status.RUNNING

        wait_for(stopped, 120, "the import to stop once cancelled", importer)
    finally:
        worker_stop(importer)
        worker_stop(mailer)
    assert dataset.status == Dataset.Status.CANCELLED
