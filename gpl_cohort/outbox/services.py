"""The one module through which every outgoing email passes.

`email_queue` writes one EmailDelivery per recipient inside the caller's transaction and hands
each new row to Celery after the commit; `email_deliver` (called by the task) sends a row at most
once. A message is identified by `message_key`: queueing the same key for the same recipient
again does nothing, which is what makes "send the invitation" safe to run twice.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import smtplib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import connection as connection_db
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
        html: str = render_to_string(f"{template}.html", context)
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
            transaction.on_commit(functools.partial(email_deliver_task.delay, delivery.pk))
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
        headers={
            "X-Cohort-Delivery": str(delivery.pk),
            # The same Message-ID on every attempt: if a copy ever goes twice, mail programs
            # can tell it is the same message.
            "Message-ID": f"<cohort-delivery-{delivery.pk}@{DNS_NAME.get_fqdn()}>",
            **delivery.headers,
        },
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    for item in delivery.attachments:
        message.attach(item["filename"], base64.b64decode(item["content_b64"]), item["mimetype"])
    return message


# Held while one message goes from "locked row" to "committed as sent". A pool process whose
# main worker process died waits for it before exiting (see tasks.py), so killing the worker
# never cuts a message between the SMTP server's 250 and the COMMIT.
IN_FLIGHT = threading.Lock()


def _deliver_locked(delivery_id: int, connection: Any) -> tuple[str | None, str]:
    """Send one row under its lock. Returns (status, temporary error or "")."""
    with IN_FLIGHT:
        return _deliver_locked_unguarded(delivery_id, connection)


def _deliver_locked_unguarded(delivery_id: int, connection: Any) -> tuple[str | None, str]:
    from gpl_cohort.outbox.models import Suppression

    temporary_error = ""
    with transaction.atomic():
        if connection_db.vendor == "postgresql":
            # The COMMIT after the SMTP server's 250 is the moment that matters: without waiting
            # for the WAL flush it lands sooner, which shrinks the window in which a killed
            # worker leaves a sent message looking unsent. (Only a crash of PostgreSQL itself
            # in the next few hundred milliseconds could undo it; then the sweeper resends.)
            with connection_db.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        delivery = EmailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != EmailDelivery.Status.QUEUED:
            return (delivery.status if delivery else None), ""
        if (
            delivery.category == EmailDelivery.Category.BULK
            and Suppression.objects.filter(email__iexact=delivery.recipient).exists()
        ):
            delivery.status = EmailDelivery.Status.SUPPRESSED
            delivery.save(update_fields=["status"])
            return delivery.status, ""
        delivery.attempts += 1
        # Written before the SMTP DATA is sent and committed as soon as the server answers 250:
        # the only moment a killed worker can leave a sent message looking unsent is the time
        # between that answer and the COMMIT (well under a millisecond), not the whole exchange.
        delivery.status = EmailDelivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        try:
            sent = connection.send_messages([_message_for(delivery)])
            if not sent:
                raise smtplib.SMTPException("the mail backend reported 0 messages sent")
        except Exception as error:
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            delivery.sent_at = None
            if _is_temporary(error):
                # The row stays queued: the retry (or the sweeper) sends it later.
                delivery.status = EmailDelivery.Status.QUEUED
                temporary_error = delivery.last_error
            else:
                delivery.status = EmailDelivery.Status.FAILED
            delivery.save(update_fields=["last_error", "status", "sent_at"])
            # A broken connection is reopened by the next send.
            with contextlib.suppress(Exception):
                connection.close()
    return delivery.status, temporary_error


def email_deliver(*, delivery_id: int) -> str | None:
    """Send one queued delivery at most once. Raises TemporaryEmailError to ask for a retry.

    Bulk email to a suppressed address (bounced or complained) is marked suppressed instead.
    """
    connection = get_connection(fail_silently=False)
    try:
        status, temporary_error = _deliver_locked(delivery_id, connection)
    finally:
        connection.close()
    if temporary_error:
        raise TemporaryEmailError(temporary_error)
    return status


def email_deliver_many(*, delivery_ids: Sequence[int]) -> dict[str, Any]:
    """Send a batch of deliveries over one SMTP connection, each row under its own lock.

    Returns counts by status and the ids that hit a temporary error (the caller retries them).
    """
    connection = get_connection(fail_silently=False)
    counts: dict[str, int] = {}
    retry: list[int] = []
    try:
        for delivery_id in delivery_ids:
            # Opened here, not by send_messages(), which would close it after each message;
            # a no-op while open, and it reconnects after an error closed it.
            with contextlib.suppress(Exception):
                connection.open()
            status, temporary_error = _deliver_locked(delivery_id, connection)
            counts[str(status)] = counts.get(str(status), 0) + 1
            if temporary_error:
                retry.append(delivery_id)
    finally:
        connection.close()
    return {"counts": counts, "retry": retry}


def deliveries_enqueue(ids: Sequence[int], batch_size: int) -> None:
    from gpl_cohort.outbox.tasks import email_deliver_batch_task, email_deliver_task

    ids = list(ids)
    if len(ids) == 1:
        email_deliver_task.delay(ids[0])
        return
    for start in range(0, len(ids), batch_size):
        email_deliver_batch_task.delay(ids[start : start + batch_size])


@dataclass(frozen=True)
class OutgoingMessage:
    """One recipient's own copy of a bulk message (its own unsubscribe link, for instance)."""

    recipient: str
    subject: str
    text: str
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def email_queue_bulk(
    *,
    message_key: str,
    messages: Sequence[OutgoingMessage],
    category: str = EmailDelivery.Category.BULK,
    batch_size: int = 50,
) -> int:
    """Queue one personalised delivery per message in one INSERT; hand them to Celery in batches.

    Safe to run twice: rows that already exist for (message_key, recipient) are left alone
    (`ignore_conflicts`), and enqueueing a row twice is harmless because sending re-checks the
    status under lock. Returns how many rows of this chunk are queued and were handed over.
    """
    rows = [
        EmailDelivery(
            message_key=message_key,
            recipient=m.recipient.strip().lower(),
            subject=m.subject[:300],
            body_text=m.text,
            body_html=m.html,
            headers=m.headers,
            category=category,
        )
        for m in messages
        if m.recipient and m.recipient.strip()
    ]
    with transaction.atomic():
        EmailDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        ids = list(
            EmailDelivery.objects.filter(
                message_key=message_key,
                recipient__in=[row.recipient for row in rows],
                status=EmailDelivery.Status.QUEUED,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: deliveries_enqueue(ids, batch_size))
    return len(ids)


def email_requeue_stuck(*, older_than_seconds: int = 600, limit: int = 5000) -> int:
    """Hand again to Celery every delivery still queued long after it was queued.

    A worker killed mid-send leaves its row queued (its transaction rolled back); this is what
    finds it. Sending stays at-most-once because `email_deliver` re-checks the status under lock.
    """
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    stuck = list(
        EmailDelivery.objects.filter(status=EmailDelivery.Status.QUEUED, queued_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    EmailDelivery.objects.filter(pk__in=stuck).update(queued_at=timezone.now())
    if stuck:
        deliveries_enqueue(stuck, batch_size=50)
    return len(stuck)


def suppression_add(*, email: str, reason: str, detail: str = "") -> bool:
    """Stop bulk email to an address. Returns True when the address was not suppressed before."""
    from gpl_cohort.outbox.models import Suppression

    _, created = Suppression.objects.get_or_create(
        email=email.strip().lower(), defaults={"reason": reason, "detail": detail[:2000]}
    )
    return created


class EmailEventError(ValueError):
    pass


def email_events_apply(*, events: Any) -> dict[str, int]:
    """Apply bounce/complaint events from the mail provider's webhook (shape: see the view).

    A permanent bounce or a complaint suppresses the address for bulk email; a temporary (soft)
    bounce is only counted. Idempotent: the same event twice changes nothing more.
    """
    from gpl_cohort.outbox.models import Suppression

    if isinstance(events, dict):
        events = [events]
    if not isinstance(events, list) or not events:
        raise EmailEventError("Send a JSON object or a non-empty list of objects.")
    parsed: list[tuple[str, str, str]] = []
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            raise EmailEventError(f"Event {index}: not a JSON object.")
        kind = event.get("type")
        email = str(event.get("email") or "").strip().lower()
        if kind not in ("bounce", "complaint"):
            raise EmailEventError(f"Event {index}: 'type' must be 'bounce' or 'complaint'.")
        if "@" not in email:
            raise EmailEventError(f"Event {index}: 'email' must be an email address.")
        bounce_type = str(event.get("bounce_type") or "permanent")
        if kind == "bounce" and bounce_type not in ("permanent", "temporary"):
            raise EmailEventError(
                f"Event {index}: 'bounce_type' must be 'permanent' or 'temporary'."
            )
        if kind == "bounce" and bounce_type == "temporary":
            parsed.append(("ignored", email, ""))
            continue
        reason: str = (
            Suppression.Reason.COMPLAINT if kind == "complaint" else Suppression.Reason.BOUNCE
        )
        parsed.append((reason, email, str(event.get("detail") or "")))
    result = {"suppressed": 0, "already_suppressed": 0, "ignored": 0}
    with transaction.atomic():
        for reason, email, detail in parsed:
            if reason == "ignored":
                result["ignored"] += 1
            elif suppression_add(email=email, reason=reason, detail=detail):
                result["suppressed"] += 1
            else:
                result["already_suppressed"] += 1
    return result
