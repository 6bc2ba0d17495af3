"""The one module through which every outgoing email passes.

`email_queue` writes one EmailDelivery per recipient inside the caller's transaction and hands
each new row to Celery after the commit; `email_deliver` (called by the task) sends a row at most
once. A message is identified by `message_key`: queueing the same key for the same recipient
again does nothing, which is what makes "send the invitation" safe to run twice.
"""

from __future__ import annotations

import base64
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from gpl_cohort.outbox.models import EmailDelivery


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str

    def as_json(self) -> dict[str, str]:
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content_b64": base64.b64encode(self.content).decode("ascii"),
        }


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_render(*, template: str, context: dict[str, Any]) -> RenderedEmail:
    """Render `<template>_subject.txt`, `<template>.txt` and (if present) `<template>.html`."""
    context = {"SITE_URL": settings.SITE_URL, "PROGRAM_NAME": settings.PROGRAM_NAME, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    try:
        html = render_to_string(f"{template}.html", context)
    except Exception:
        html = ""
    return RenderedEmail(subject=subject, text=text, html=html)


def email_queue(
    *,
    message_key: str,
    recipients: Iterable[str],
    subject: str,
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
    category: str = EmailDelivery.Category.TRANSACTIONAL,
    from_email: str = "",
) -> list[EmailDelivery]:
    """Queue one email per recipient; return the deliveries created now (not the existing ones)."""
    from gpl_cohort.outbox.tasks import email_deliver_task

    unique_recipients = sorted({r.strip().lower() for r in recipients if r and r.strip()})
    created: list[EmailDelivery] = []
    with transaction.atomic():
        existing = set(
            EmailDelivery.objects.filter(
                message_key=message_key, recipient__in=unique_recipients
            ).values_list("recipient", flat=True)
        )
        for recipient in unique_recipients:
            if recipient in existing:
                continue
            with transaction.atomic():  # a savepoint: a racing twin must not abort the caller
                delivery, was_created = EmailDelivery.objects.get_or_create(
                    message_key=message_key,
                    recipient=recipient,
                    defaults={
                        "subject": subject[:300],
                        "body_text": text,
                        "body_html": html,
                        "headers": headers or {},
                        "attachments": [a.as_json() for a in attachments],
                        "category": category,
                        "from_email": from_email,
                    },
                )
            if was_created:
                created.append(delivery)
        for delivery in created:
            transaction.on_commit(lambda pk=delivery.pk: email_deliver_task.delay(pk))
    return created


# SMTP replies that may succeed on a later attempt (RFC 5321 4xx) and network trouble.
class TemporaryEmailError(Exception):
    pass


def _is_temporary(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= c < 500 for c in codes)
    return isinstance(
        error, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError, OSError)
    )


def _message_for(delivery: EmailDelivery) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body_text,
        from_email=delivery.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[delivery.recipient],
        headers={"X-Cohort-Delivery": str(delivery.pk), **delivery.headers},
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    for item in delivery.attachments:
        message.attach(item["filename"], base64.b64decode(item["content_b64"]), item["mimetype"])
    return message


def email_deliver(*, delivery_id: int) -> EmailDelivery.Status | None:
    """Send one queued delivery at most once. Raises TemporaryEmailError to ask for a retry."""
    temporary_error = ""
    with transaction.atomic():
        delivery = EmailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != EmailDelivery.Status.QUEUED:
            return delivery.status if delivery else None
        delivery.attempts += 1
        try:
            _message_for(delivery).send(fail_silently=False)
        except Exception as error:
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            if _is_temporary(error):
                # The row stays queued: the retry (or the sweeper) sends it later.
                temporary_error = delivery.last_error
            else:
                delivery.status = EmailDelivery.Status.FAILED
            delivery.save(update_fields=["attempts", "last_error", "status"])
        else:
            delivery.status = EmailDelivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
            delivery.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    if temporary_error:
        raise TemporaryEmailError(temporary_error)
    return delivery.status


def email_requeue_stuck(*, older_than_seconds: int = 600) -> int:
    """Hand again to Celery every delivery still queued long after it was queued.

    A worker killed mid-send leaves its row queued (its transaction rolled back); this is what
    finds it. Sending stays at-most-once because `email_deliver` re-checks the status under lock.
    """
    from gpl_cohort.outbox.tasks import email_deliver_task

    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    stuck = list(
        EmailDelivery.objects.filter(
            status=EmailDelivery.Status.QUEUED, queued_at__lt=cutoff
        ).values_list("pk", flat=True)[:5000]
    )
    EmailDelivery.objects.filter(pk__in=stuck).update(queued_at=timezone.now())
    for pk in stuck:
        email_deliver_task.delay(pk)
    return len(stuck)
