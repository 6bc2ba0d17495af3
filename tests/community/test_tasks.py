import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from community.models import NewsletterIssue
from community.services import issue_fan_out, issues_resume_stalled
from community.tasks import community_reminders_task, newsletter_scheduler_task
from gpl_cohort.outbox.models import EmailDelivery
from tests.community.factories import (
    NewsletterIssueFactory,
    RegistrationFactory,
    SessionFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


def test_the_reminder_task_queues_due_reminders():
    session = SessionFactory(starts_at=timezone.now() + dt.timedelta(minutes=40))
    RegistrationFactory(session=session)
    assert community_reminders_task.delay().get() == {"24h": 0, "1h": 1}


def test_the_scheduler_task_releases_due_issues(django_capture_on_commit_callbacks):
    SubscriberFactory.create_batch(2)
    issue = NewsletterIssueFactory(
        status=NewsletterIssue.Status.SCHEDULED,
        scheduled_for=timezone.now() - dt.timedelta(minutes=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = newsletter_scheduler_task.delay().get()
    assert result["sent"] == 1
    assert EmailDelivery.objects.filter(message_key=issue.message_key).count() == 2


def test_a_fan_out_run_twice_in_small_chunks_creates_each_delivery_once(
    django_capture_on_commit_callbacks,
):
    SubscriberFactory.create_batch(7)
    issue = NewsletterIssueFactory(status=NewsletterIssue.Status.SENDING)
    with django_capture_on_commit_callbacks(execute=True):
        assert issue_fan_out(issue_id=issue.pk, chunk=3) == 7
        NewsletterIssue.objects.filter(pk=issue.pk).update(status=NewsletterIssue.Status.SENDING)
        assert issue_fan_out(issue_id=issue.pk, chunk=3) == 7
    assert EmailDelivery.objects.filter(message_key=issue.message_key).count() == 7
    assert len(mail.outbox) == 7


def test_a_stalled_fan_out_is_resumed():
    SubscriberFactory.create_batch(3)
    issue = NewsletterIssueFactory(status=NewsletterIssue.Status.SENDING)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=30)):
        assert issues_resume_stalled() == 1
    assert EmailDelivery.objects.filter(message_key=issue.message_key).count() == 3


def test_every_copy_of_a_delivery_carries_the_same_message_id():
    from gpl_cohort.outbox.services import email_deliver, email_queue

    (delivery,) = email_queue(message_key="m", recipients=["a@x.org"], subject="s", text="t")
    email_deliver(delivery_id=delivery.pk)
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<cohort-delivery-{delivery.pk}@")
