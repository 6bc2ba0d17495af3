"""The newsletter: double opt-in subscriptions, one-click unsubscribe, issues sent in batches."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

import markdown
import nh3
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from community.models import NewsletterIssue, Subscriber
from gpl_cohort.links import absolute_url
from gpl_cohort.outbox.models import EmailDelivery
from gpl_cohort.outbox.services import (
    OutgoingMessage,
    RenderedEmail,
    email_queue,
    email_queue_bulk,
    email_render,
)

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User

CONFIRM_SALT = "community.newsletter.confirm"
CONFIRM_MAX_AGE = dt.timedelta(days=3)
# A scheduled issue found more than this late (the scheduler was down, say) waits for staff.
LATE_AFTER = dt.timedelta(hours=1)
FAN_OUT_CHUNK = 1000
UNSUBSCRIBE_PLACEHOLDER = "@@UNSUBSCRIBE_URL@@"


class NewsletterError(ValueError):
    pass


def confirm_token_make(email: str) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(email.lower())


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("community:newsletter_unsubscribe", args=[subscriber.token]))


@transaction.atomic
def subscriber_subscribe(*, email: str) -> Subscriber:
    """Ask for a confirmation (double opt-in). Already subscribed: nothing is sent.

    At most one confirmation email per address per hour, so the form cannot be used to flood
    somebody's inbox.
    """
    email = email.strip().lower()
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    if subscriber.status == Subscriber.Status.SUBSCRIBED:
        return subscriber
    token = confirm_token_make(email)
    rendered = email_render(
        template="community/email/newsletter_confirm",
        context={
            "confirm_url": absolute_url(reverse("community:newsletter_confirm", args=[token])),
            "valid_days": CONFIRM_MAX_AGE.days,
        },
    )
    email_queue(
        message_key=f"newsletter-confirm:{subscriber.pk}:{timezone.now():%Y%m%d%H}",
        recipients=[email],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )
    return subscriber


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber:
    """Raises NewsletterError when the link is altered or expired."""
    try:
        email = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as error:
        raise NewsletterError(
            "This confirmation link has expired. Subscribe again to get a new one."
        ) from error
    except signing.BadSignature as error:
        raise NewsletterError("This confirmation link is not valid.") from error
    subscriber, _ = Subscriber.objects.select_for_update().get_or_create(email=email)
    if subscriber.status != Subscriber.Status.SUBSCRIBED:
        subscriber.status = Subscriber.Status.SUBSCRIBED
        subscriber.confirmed_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, token: str) -> Subscriber | None:
    """Idempotent: unsubscribing twice is fine. None when the token matches nobody."""
    subscriber = Subscriber.objects.select_for_update().filter(token=token).first()
    if subscriber and subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    return subscriber


def issue_html(issue: NewsletterIssue) -> str:
    """Markdown to HTML, then sanitised: staff write it, but it goes to thousands of inboxes."""
    html = markdown.markdown(issue.body_markdown, extensions=["extra", "sane_lists"])
    return nh3.clean(html)


def issue_render(*, issue: NewsletterIssue, unsubscribe: str) -> RenderedEmail:
    return email_render(
        template="community/email/newsletter_issue",
        context={
            "issue": issue,
            "body_html": issue_html(issue),
            "unsubscribe_url": unsubscribe,
        },
    )


def _headers(unsubscribe: str) -> dict[str, str]:
    # RFC 8058: mail programs show an "Unsubscribe" button that POSTs to this URL.
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def issue_send_test(*, issue: NewsletterIssue, user: User) -> None:
    """A copy to the staff member only; every click sends a new one."""
    rendered = issue_render(issue=issue, unsubscribe=absolute_url(reverse("community:newsletter")))
    email_queue(
        message_key=f"newsletter-test:{issue.pk}:{uuid.uuid4().hex}",
        recipients=[user.email],
        subject=f"[Test] {rendered.subject}",
        text=rendered.text,
        html=rendered.html,
    )


def _editable(issue: NewsletterIssue) -> None:
    if issue.status in (NewsletterIssue.Status.SENDING, NewsletterIssue.Status.SENT):
        raise NewsletterError("This issue has already gone out.")


@transaction.atomic
def issue_schedule(*, issue: NewsletterIssue, when: dt.datetime) -> NewsletterIssue:
    issue = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    _editable(issue)
    if when <= timezone.now():
        raise NewsletterError("Pick a time in the future, or send it now.")
    issue.status = NewsletterIssue.Status.SCHEDULED
    issue.scheduled_for = when
    issue.save(update_fields=["status", "scheduled_for", "updated_at"])
    return issue


@transaction.atomic
def issue_send_now(*, issue: NewsletterIssue) -> NewsletterIssue:
    """Start sending: the fan-out to every confirmed subscriber runs in a Celery task."""
    from community.tasks import newsletter_fan_out_task

    issue = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    _editable(issue)
    issue.status = NewsletterIssue.Status.SENDING
    issue.started_at = timezone.now()
    issue.save(update_fields=["status", "started_at", "updated_at"])
    transaction.on_commit(lambda: newsletter_fan_out_task.delay(issue.pk))
    return issue


def issue_confirm_late(*, issue: NewsletterIssue) -> NewsletterIssue:
    """Staff confirm that an issue found past its time should still go."""
    if issue.status != NewsletterIssue.Status.NEEDS_CONFIRMATION:
        raise NewsletterError("Only an issue waiting for confirmation can be confirmed.")
    return issue_send_now(issue=issue)


def issue_fan_out(*, issue_id: int, chunk: int = FAN_OUT_CHUNK) -> int:
    """Create one delivery per confirmed subscriber, chunk by chunk, each chunk handed to Celery.

    Restartable: a chunk already written is skipped by the outbox's unique constraint, so a
    worker killed half-way through simply runs this again (the sweeper re-queues it).
    """
    issue = NewsletterIssue.objects.get(pk=issue_id)
    if issue.status != NewsletterIssue.Status.SENDING:
        return 0
    placeholder = issue_render(issue=issue, unsubscribe=UNSUBSCRIBE_PLACEHOLDER)
    subscribers = Subscriber.objects.filter(status=Subscriber.Status.SUBSCRIBED).order_by("pk")
    last_pk = 0
    total = 0
    while True:
        batch = list(subscribers.filter(pk__gt=last_pk).values_list("pk", "email", "token")[:chunk])
        if not batch:
            break
        last_pk = batch[-1][0]
        messages = []
        for _pk, email, token in batch:
            link = absolute_url(reverse("community:newsletter_unsubscribe", args=[token]))
            messages.append(
                OutgoingMessage(
                    recipient=email,
                    subject=placeholder.subject,
                    text=placeholder.text.replace(UNSUBSCRIBE_PLACEHOLDER, link),
                    html=placeholder.html.replace(UNSUBSCRIBE_PLACEHOLDER, link),
                    headers=_headers(link),
                )
            )
        email_queue_bulk(message_key=issue.message_key, messages=messages)
        total += len(batch)
        NewsletterIssue.objects.filter(pk=issue.pk).update(
            recipient_count=EmailDelivery.objects.filter(message_key=issue.message_key).count(),
            updated_at=timezone.now(),
        )
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        fanned_out_at=timezone.now(), updated_at=timezone.now()
    )
    # Without a worker (eager Celery) everything is sent by now; with one, the scheduler's
    # next run closes the issue.
    transaction.on_commit(issues_mark_finished)
    return total


def issues_release_scheduled(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Start issues whose time has come; ask staff about those found far past their time."""
    now = now or timezone.now()
    result = {"sent": 0, "needs_confirmation": 0}
    due = NewsletterIssue.objects.filter(
        status=NewsletterIssue.Status.SCHEDULED, scheduled_for__lte=now
    )
    for issue in due:
        if issue.scheduled_for and now - issue.scheduled_for > LATE_AFTER:
            with transaction.atomic():
                claimed = NewsletterIssue.objects.filter(
                    pk=issue.pk, status=NewsletterIssue.Status.SCHEDULED
                ).update(status=NewsletterIssue.Status.NEEDS_CONFIRMATION, updated_at=now)
                if claimed:
                    _ask_staff(issue)
                    result["needs_confirmation"] += 1
        else:
            issue_send_now(issue=issue)
            result["sent"] += 1
    return result


def _ask_staff(issue: NewsletterIssue) -> None:
    rendered = email_render(
        template="community/email/staff_newsletter_late",
        context={
            "issue": issue,
            "url": absolute_url(reverse("community:staff_issue_detail", args=[issue.pk])),
        },
    )
    staff = get_user_model().objects.filter(is_staff=True, is_active=True)
    email_queue(
        message_key=f"newsletter-late:{issue.pk}:{issue.scheduled_for:%Y%m%dT%H%M}",
        recipients=staff.values_list("email", flat=True),
        subject=rendered.subject,
        text=rendered.text,
    )


def issues_resume_stalled(*, stalled_after: dt.timedelta = dt.timedelta(minutes=10)) -> int:
    """Run the fan-out again for issues whose fan-out stopped (its worker died)."""
    from community.tasks import newsletter_fan_out_task

    cutoff = timezone.now() - stalled_after
    stalled = list(
        NewsletterIssue.objects.filter(
            status=NewsletterIssue.Status.SENDING, fanned_out_at__isnull=True, updated_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for pk in stalled:
        NewsletterIssue.objects.filter(pk=pk).update(updated_at=timezone.now())
        newsletter_fan_out_task.delay(pk)
    return len(stalled)


def issues_mark_finished() -> int:
    """An issue whose deliveries are all settled is sent."""
    finished = 0
    for issue in NewsletterIssue.objects.filter(
        status=NewsletterIssue.Status.SENDING, fanned_out_at__isnull=False
    ):
        if not EmailDelivery.objects.filter(
            message_key=issue.message_key, status=EmailDelivery.Status.QUEUED
        ).exists():
            NewsletterIssue.objects.filter(pk=issue.pk).update(
                status=NewsletterIssue.Status.SENT, updated_at=timezone.now()
            )
            finished += 1
    return finished
