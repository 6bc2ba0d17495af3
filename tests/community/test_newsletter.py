import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from community.models import NewsletterIssue, Subscriber
from community.selectors import issue_progress
from community.services import (
    NewsletterError,
    issue_confirm_late,
    issue_schedule,
    issue_send_now,
    issue_send_test,
    issues_release_scheduled,
    subscriber_confirm,
    subscriber_subscribe,
    subscriber_unsubscribe,
)
from community.services.newsletter import confirm_token_make, issue_html, issues_mark_finished
from gpl_cohort.outbox.models import EmailDelivery, Suppression
from tests.accounts.factories import StaffFactory
from tests.community.factories import NewsletterIssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def _confirm_link(message) -> str:
    return re.search(r"/community/newsletter/confirm/(\S+)/", message.body).group(1)


def test_subscribing_sends_a_confirmation_and_confirming_subscribes(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        subscriber = subscriber_subscribe(email="Reader@Example.org")
    assert subscriber.status == Subscriber.Status.PENDING
    token = _confirm_link(mail.outbox[0])
    confirmed = subscriber_confirm(token=token)
    assert confirmed.status == Subscriber.Status.SUBSCRIBED
    assert confirmed.email == "reader@example.org"


def test_the_confirmation_link_expires_after_three_days():
    subscriber_subscribe(email="late@example.org")
    token = confirm_token_make("late@example.org")
    with (
        time_machine.travel(timezone.now() + dt.timedelta(days=4)),
        pytest.raises(NewsletterError, match="expired"),
    ):
        subscriber_confirm(token=token)


def test_an_altered_confirmation_link_is_refused():
    with pytest.raises(NewsletterError, match="not valid"):
        subscriber_confirm(token=confirm_token_make("a@example.org") + "x")


def test_subscribing_many_times_in_an_hour_sends_one_confirmation(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            subscriber_subscribe(email="a@example.org")
    assert len(mail.outbox) == 1


def test_unsubscribing_is_idempotent_and_resubscribing_works():
    subscriber = SubscriberFactory()
    subscriber_unsubscribe(token=subscriber.token)
    again = subscriber_unsubscribe(token=subscriber.token)
    assert again.status == Subscriber.Status.UNSUBSCRIBED
    subscriber_subscribe(email=subscriber.email)
    subscriber = subscriber_confirm(token=confirm_token_make(subscriber.email))
    assert subscriber.status == Subscriber.Status.SUBSCRIBED
    assert subscriber.unsubscribed_at is None


def test_the_issue_body_is_rendered_from_markdown_and_sanitised():
    issue = NewsletterIssueFactory(body_markdown="**Hi** <script>alert(1)</script>")
    html = issue_html(issue)
    assert "<strong>Hi</strong>" in html
    assert "<script" not in html


def test_sending_an_issue_reaches_each_confirmed_subscriber_once_with_unsubscribe_headers(
    django_capture_on_commit_callbacks,
):
    readers = SubscriberFactory.create_batch(7)
    SubscriberFactory(status=Subscriber.Status.PENDING)
    SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED)
    Suppression.objects.create(email=readers[0].email, reason="bounce")
    issue = NewsletterIssueFactory()
    with django_capture_on_commit_callbacks(execute=True):
        issue_send_now(issue=issue)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers[1:])
    message = next(m for m in mail.outbox if m.to == [readers[1].email])
    link = f"/community/newsletter/unsubscribe/{readers[1].token}/"
    assert link in message.body
    assert link in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert issues_mark_finished() == 0  # the fan-out closed it: nothing was left queued
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.SENT
    progress = issue_progress(issue=issue)
    assert progress["sent"] == 6
    assert progress["suppressed"] == 1
    assert progress["remaining"] == 0
    with pytest.raises(NewsletterError):
        issue_send_now(issue=issue)


def test_a_test_send_goes_only_to_the_staff_member(django_capture_on_commit_callbacks):
    SubscriberFactory.create_batch(3)
    staff = StaffFactory()
    issue = NewsletterIssueFactory()
    with django_capture_on_commit_callbacks(execute=True):
        issue_send_test(issue=issue, user=staff)
        issue_send_test(issue=issue, user=staff)
    assert [m.to for m in mail.outbox] == [[staff.email], [staff.email]]
    assert mail.outbox[0].subject.startswith("[Test]")


def test_a_scheduled_issue_goes_at_its_time(django_capture_on_commit_callbacks):
    SubscriberFactory.create_batch(2)
    issue = NewsletterIssueFactory()
    when = timezone.now() + dt.timedelta(hours=2)
    issue_schedule(issue=issue, when=when)
    assert issues_release_scheduled(now=when - dt.timedelta(minutes=1))["sent"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert issues_release_scheduled(now=when + dt.timedelta(minutes=1))["sent"] == 1
    assert len(mail.outbox) == 2


def test_a_scheduled_issue_found_far_past_its_time_waits_for_staff(
    django_capture_on_commit_callbacks,
):
    StaffFactory(email="staff@program.example")
    SubscriberFactory.create_batch(2)
    issue = NewsletterIssueFactory()
    when = timezone.now() + dt.timedelta(hours=2)
    issue_schedule(issue=issue, when=when)
    with django_capture_on_commit_callbacks(execute=True):
        result = issues_release_scheduled(now=when + dt.timedelta(hours=5))
        issues_release_scheduled(now=when + dt.timedelta(hours=5))
    assert result["needs_confirmation"] == 1
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.NEEDS_CONFIRMATION
    assert [m.to for m in mail.outbox] == [["staff@program.example"]]
    with django_capture_on_commit_callbacks(execute=True):
        issue_confirm_late(issue=issue)
    assert EmailDelivery.objects.filter(message_key=issue.message_key).count() == 2


def test_scheduling_in_the_past_is_refused():
    with pytest.raises(NewsletterError):
        issue_schedule(issue=NewsletterIssueFactory(), when=timezone.now() - dt.timedelta(hours=1))
