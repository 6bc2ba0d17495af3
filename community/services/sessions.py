"""Sessions and webinars: registration, waitlist, invitations, reminders, attendance, follow-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from community.ics import registration_ics
from community.models import Registration, Session
from gpl_cohort.links import absolute_url
from gpl_cohort.outbox.services import Attachment, email_queue, email_render
from gpl_cohort.uploads import (
    Kind,
    check_upload,
    csv_rows,
    read_csv_upload,
    safe_filename,
    storage_name,
)

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User

REMINDERS = {
    # name: (how long before the start it is due, the next reminder that supersedes it)
    "24h": dt.timedelta(hours=24),
    "1h": dt.timedelta(hours=1),
}


class RegistrationError(ValueError):
    pass


def _send(
    registration: Registration,
    *,
    template: str,
    key: str,
    method: str | None,
    extra: dict[str, Any] | None = None,
) -> None:
    session = registration.session
    context = {
        "registration": registration,
        "session": session,
        "presenters": list(session.presenters.all()),
        # Times in the email are in the recipient's zone, whoever triggered it.
        "tz": registration.user.time_zone if registration.user else session.time_zone,
        "session_url": absolute_url(session.get_absolute_url()),
        **(extra or {}),
    }
    rendered = email_render(template=template, context=context)
    attachments = []
    if method:
        attachments.append(
            Attachment(
                filename="cancel.ics" if method == "CANCEL" else "invite.ics",
                content=registration_ics(registration, method=method),
                mimetype="text/calendar",
            )
        )
    email_queue(
        message_key=key,
        recipients=[registration.email],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=attachments,
    )


def _invite(registration: Registration) -> None:
    _send(
        registration,
        template="community/email/registration_confirmed",
        key=f"community-registration:{registration.pk}:{registration.ics_sequence}",
        method="REQUEST",
    )


def _lock(session: Session) -> Session:
    # Every change to a session's seats goes through this row lock, so two people taking the
    # last seat at the same instant are served one after the other (PostgreSQL; SQLite
    # serialises writers anyway).
    return Session.objects.select_for_update().get(pk=session.pk)


def _seats_taken(session: Session) -> int:
    return Registration.objects.filter(
        session=session, status=Registration.Status.REGISTERED
    ).count()


@transaction.atomic
def registration_create(
    *,
    session: Session,
    user: User | None = None,
    email: str = "",
    full_name: str = "",
    jurisdiction_name: str = "",
    question: str = "",
) -> Registration:
    """Take a seat, or a place on the waitlist when the session is full. One click, idempotent:
    a repeated click is answered without the session's row lock, which every seat change of
    the session waits for."""
    if user is not None:
        email, full_name = user.email, user.full_name or user.email
    email = email.strip().lower()
    if not email:
        raise RegistrationError("An email address is required.")
    if session.ends_at <= timezone.now():
        raise RegistrationError("This session is over.")
    held = (
        Registration.objects.filter(session=session, email=email)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )
    if held is not None:
        return held
    session = _lock(session)
    now = timezone.now()
    if session.ends_at <= now:
        raise RegistrationError("This session is over.")
    registration = Registration.objects.filter(session=session, email=email).first()
    if registration and registration.status != Registration.Status.CANCELLED:
        return registration
    status = (
        Registration.Status.REGISTERED
        if _seats_taken(session) < session.capacity
        else Registration.Status.WAITLISTED
    )
    if registration is None:
        registration = Registration(session=session, email=email)
    else:
        registration.ics_sequence += 1
    registration.user = user
    registration.full_name = full_name.strip()
    registration.jurisdiction_name = jurisdiction_name.strip()
    registration.question = question.strip()
    registration.status = status
    registration.status_changed_at = now
    registration.save()
    registration.session = session
    if status == Registration.Status.REGISTERED:
        _invite(registration)
    else:
        _send(
            registration,
            template="community/email/registration_waitlisted",
            key=f"community-waitlisted:{registration.pk}:{registration.ics_sequence}",
            method=None,
        )
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by_staff: bool = False) -> Registration:
    """Give up a seat (or a waitlist place); the next person in line is promoted at once. A
    registration already cancelled is returned as it is, without the session's row lock."""
    if registration.status == Registration.Status.CANCELLED:
        return registration
    session = _lock(registration.session)
    registration = Registration.objects.get(pk=registration.pk)
    registration.session = session
    if registration.status == Registration.Status.CANCELLED:
        return registration
    had_seat = registration.status == Registration.Status.REGISTERED
    registration.status = Registration.Status.CANCELLED
    registration.status_changed_at = timezone.now()
    registration.ics_sequence += 1
    registration.save(update_fields=["status", "status_changed_at", "ics_sequence"])
    _send(
        registration,
        template="community/email/registration_cancelled",
        key=f"community-cancelled:{registration.pk}:{registration.ics_sequence}",
        method="CANCEL" if had_seat else None,
        extra={"by_staff": by_staff, "had_seat": had_seat},
    )
    if had_seat:
        _promote(session)
    return registration


def _promote(session: Session) -> list[Registration]:
    free = session.capacity - _seats_taken(session)
    if free <= 0 or session.ends_at <= timezone.now():
        return []
    promoted = list(
        Registration.objects.filter(session=session, status=Registration.Status.WAITLISTED)
        .order_by("status_changed_at", "pk")
        .select_related("session")[:free]
    )
    for registration in promoted:
        registration.status = Registration.Status.REGISTERED
        registration.status_changed_at = timezone.now()
        registration.ics_sequence += 1
        registration.save(update_fields=["status", "status_changed_at", "ics_sequence"])
        _invite(registration)
    return promoted


@transaction.atomic
def waitlist_promote(*, session: Session) -> list[Registration]:
    """Fill free seats from the waitlist (after a cancellation or when staff add seats)."""
    return _promote(_lock(session))


def _due(now: dt.datetime, name: str) -> Q:
    """Registrations whose reminder `name` is due now and whose window has not passed.

    The 24-hour reminder is due from 24 h before the start until the 1-hour one takes over, and
    only for people who registered before it was due (someone registering later has just had
    the confirmation). The 1-hour reminder is due in the last hour, whenever they registered.
    """
    if name == "24h":
        return Q(
            reminder_24h_at__isnull=True,
            session__starts_at__lte=now + REMINDERS["24h"],
            session__starts_at__gt=now + REMINDERS["1h"],
            status_changed_at__lte=F("session__starts_at") - REMINDERS["24h"],
        )
    return Q(
        reminder_1h_at__isnull=True,
        session__starts_at__lte=now + REMINDERS["1h"],
        session__starts_at__gt=now,
    )


def reminders_send_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Queue every reminder that is due (a Celery beat task runs this every few minutes).

    Exactly once per registration and reminder: the row is claimed with a conditional UPDATE in
    the same transaction as the email, and the email's message key is unique per registration,
    so a second scan, or two scans running together, queue nothing more.
    """
    now = now or timezone.now()
    sent = {"24h": 0, "1h": 0}
    for name in ("24h", "1h"):
        field = f"reminder_{name}_at"
        candidates = Registration.objects.filter(
            _due(now, name), status=Registration.Status.REGISTERED
        ).select_related("session")
        for registration in candidates:
            with transaction.atomic():
                claimed = Registration.objects.filter(
                    pk=registration.pk, status=Registration.Status.REGISTERED, **{field: None}
                ).update(**{field: now})
                if not claimed:
                    continue
                starts = registration.session.starts_at
                _send(
                    registration,
                    template=f"community/email/reminder_{name}",
                    key=f"community-reminder-{name}:{registration.pk}:{starts:%Y%m%dT%H%M}",
                    method=None,
                )
                sent[name] += 1
    return sent


@transaction.atomic
def attendance_mark(*, session: Session, attended_ids: set[int]) -> int:
    """Staff tick who attended; everyone else registered is marked as missed."""
    registered = Registration.objects.filter(session=session, status=Registration.Status.REGISTERED)
    registered.filter(pk__in=attended_ids).update(attended=True)
    registered.exclude(pk__in=attended_ids).update(attended=False)
    return registered.filter(attended=True).count()


@dataclass(frozen=True)
class AttendanceRow:
    line: int
    email: str
    outcome: str
    matched: bool


def attendance_import_csv(*, session: Session, upload: UploadedFile) -> list[AttendanceRow]:
    """Mark attendance from the meeting's attendance report (any CSV with an email column).

    Returns a report line per data row: matched, no registration with that email, no email,
    or a repeat of an earlier row (people who rejoin appear several times in such reports).
    """
    try:
        return _attendance_import(session=session, upload=upload)
    except ValidationError as error:
        raise RegistrationError(" ".join(error.messages)) from error


def _attendance_import(*, session: Session, upload: UploadedFile) -> list[AttendanceRow]:
    text = read_csv_upload(upload, max_bytes=5 * 1024 * 1024)
    # Some meeting tools put a summary block above the participants table: find the header row.
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if "email" in line.lower()), None)
    if header_index is None:
        raise RegistrationError(
            "No column with 'email' in its name: export the participants report with emails."
        )
    reader = csv_rows("\n".join(lines[header_index:]), name=safe_filename(upload.name or ""))
    header = [h.strip().lower() for h in next(reader, [])]
    email_column = next((i for i, h in enumerate(header) if "email" in h), None)
    if email_column is None:
        raise RegistrationError("The row naming the columns has no 'email' column.")
    registrations = {
        r.email: r
        for r in Registration.objects.filter(session=session, status=Registration.Status.REGISTERED)
    }
    report: list[AttendanceRow] = []
    attended: set[int] = set()
    seen: set[str] = set()
    for offset, row in enumerate(reader, start=header_index + 2):
        if not any(cell.strip() for cell in row):
            continue
        email = row[email_column].strip().lower() if len(row) > email_column else ""
        if not email:
            report.append(AttendanceRow(offset, "", "No email in this row.", False))
        elif email in seen:
            report.append(AttendanceRow(offset, email, "Already counted (rejoined).", True))
        elif email in registrations:
            seen.add(email)
            attended.add(registrations[email].pk)
            report.append(AttendanceRow(offset, email, "Marked as attended.", True))
        else:
            seen.add(email)
            report.append(AttendanceRow(offset, email, "No registration with this email.", False))
    with transaction.atomic():
        Registration.objects.filter(pk__in=attended).update(attended=True)
        Registration.objects.filter(
            session=session, status=Registration.Status.REGISTERED, attended__isnull=True
        ).exclude(pk__in=attended).update(attended=False)
    return report


@transaction.atomic
def session_materials_update(
    *, session: Session, recording_url: str, slides: UploadedFile | None
) -> Session:
    session.recording_url = recording_url.strip()
    fields = ["recording_url"]
    if slides is not None:
        checked = check_upload(
            slides, allowed=(Kind.PDF,), max_bytes=25 * 1024 * 1024, count_pages=True
        )
        session.slides_filename = safe_filename(slides.name or "slides.pdf")
        session.slides.save(storage_name("community/slides", checked.kind), slides, save=False)
        fields += ["slides", "slides_filename"]
    session.save(update_fields=fields)
    return session


@transaction.atomic
def session_followup_send(*, session: Session) -> int:
    """Thank those who attended and send materials to those who missed it. Once per person."""
    session = _lock(session)
    count = 0
    for registration in Registration.objects.filter(
        session=session, status=Registration.Status.REGISTERED, followup_at__isnull=True
    ).select_related("session"):
        template = (
            "community/email/followup_attended"
            if registration.attended
            else "community/email/followup_missed"
        )
        _send(
            registration,
            template=template,
            key=f"community-followup:{registration.pk}",
            method=None,
        )
        registration.followup_at = timezone.now()
        registration.save(update_fields=["followup_at"])
        count += 1
    session.followup_sent_at = timezone.now()
    session.save(update_fields=["followup_sent_at"])
    return count
