import smtplib
from unittest import mock

import pytest
from django.core import mail

from gpl_cohort.outbox.models import EmailDelivery
from gpl_cohort.outbox.services import (
    Attachment,
    TemporaryEmailError,
    email_deliver,
    email_queue,
    email_requeue_stuck,
)

pytestmark = pytest.mark.django_db

LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def _queue(**overrides):
    arguments = {
        "message_key": "test:1",
        "recipients": ["a@city.gov", "B@city.gov", "a@city.gov"],
        "subject": "Hello",
        "text": "Plain text",
        "html": "<p>HTML</p>",
    }
    arguments.update(overrides)
    return email_queue(**arguments)


def test_queueing_the_same_message_twice_creates_one_delivery_per_recipient(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue()
        second = _queue()
    assert len(first) == 2
    assert second == []
    assert EmailDelivery.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@city.gov", "b@city.gov"]


def test_a_delivery_is_sent_at_most_once_even_if_the_task_runs_twice(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        (delivery, *_) = _queue(recipients=["once@city.gov"])
    assert email_deliver(delivery_id=delivery.pk) == EmailDelivery.Status.SENT
    assert len(mail.outbox) == 1


def test_attachments_and_html_reach_the_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _queue(
            recipients=["cal@city.gov"],
            attachments=[Attachment("invite.ics", b"BEGIN:VCALENDAR", "text/calendar")],
        )
    (message,) = mail.outbox
    assert message.attachments[0][0] == "invite.ics"
    assert message.alternatives[0][1] == "text/html"


def test_a_temporary_smtp_error_keeps_the_delivery_queued_for_a_retry():
    (delivery,) = _queue(recipients=["later@city.gov"])
    error = smtplib.SMTPResponseException(451, b"try later")
    with (
        mock.patch(LOCMEM_SEND, side_effect=error),
        pytest.raises(TemporaryEmailError),
    ):
        email_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.QUEUED
    assert delivery.attempts == 1
    assert "451" in delivery.last_error


def test_a_permanent_smtp_error_marks_the_delivery_failed():
    (delivery,) = _queue(recipients=["gone@city.gov"])
    error = smtplib.SMTPRecipientsRefused({"gone@city.gov": (550, b"no such user")})
    with mock.patch(LOCMEM_SEND, side_effect=error):
        assert email_deliver(delivery_id=delivery.pk) == EmailDelivery.Status.FAILED


def test_the_sweeper_requeues_deliveries_stuck_after_a_worker_died():
    (delivery,) = _queue(recipients=["stuck@city.gov"])
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        queued_at=delivery.queued_at - __import__("datetime").timedelta(hours=1)
    )
    assert email_requeue_stuck(older_than_seconds=600) == 1
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.SENT
