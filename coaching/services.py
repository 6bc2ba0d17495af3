"""Writes of the coaching app: coaching logs (with 1:1 pairing) and deliverables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from coaching.models import (
    CoachingLog,
    CoachingSettings,
    Deliverable,
    DeliverableDocument,
    Workstream,
)
from gpl_cohort.accounts.roles import roles_of
from gpl_cohort.dates import add_months
from gpl_cohort.uploads import MB, Kind, attach_upload
from jurisdictions.dates import local_today
from jurisdictions.models import Jurisdiction

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User
    from gpl_cohort.accounts.roles import RequestUser

DOCUMENT_MAX_BYTES = 25 * MB
DOCUMENT_KINDS = (Kind.PDF, Kind.DOCX, Kind.XLSX, Kind.CSV, Kind.PNG, Kind.JPEG, Kind.ZIP)
K = CoachingLog.Kind


def _side_for(user: RequestUser, jurisdiction_id: int) -> str:
    roles = roles_of(user)
    if roles.is_staff:
        return CoachingLog.Side.PROGRAM
    if roles.is_contact and roles.jurisdiction_id == jurisdiction_id:
        return CoachingLog.Side.JURISDICTION
    raise PermissionDenied("You may log coaching only for your own jurisdiction.")


def edit_window() -> dt.timedelta:
    return dt.timedelta(days=CoachingSettings.load().edit_window_days)


def log_is_editable(
    *,
    log: CoachingLog,
    user: RequestUser,
    now: dt.datetime | None = None,
    window: dt.timedelta | None = None,
) -> bool:
    """Only the author edits or deletes an entry, and only within the staff-set window.

    Pages that ask about many entries pass `window` (from `edit_window()`) to read it once.
    """
    if user is None or log.author_id != getattr(user, "pk", None):
        return False
    window = edit_window() if window is None else window
    return (now or timezone.now()) < log.created_at + window


def logs_with_editable(*, logs: Iterable[CoachingLog], user: Any) -> list[tuple[CoachingLog, bool]]:
    """Each entry with whether `user` may still edit it, the edit window read once."""
    window = edit_window()
    return [(log, log_is_editable(log=log, user=user, window=window)) for log in logs]


def _validate(
    *,
    jurisdiction: Jurisdiction,
    date: dt.date,
    duration_minutes: int,
    kind: str,
    workstream: str,
    staff_member: User | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if duration_minutes % 15 or not 15 <= duration_minutes <= 16 * 60:
        errors["duration"] = ["Use 15-minute steps between 0:15 and 16:00."]
    if date > local_today(jurisdiction):
        errors["date"] = ["Log work once it has happened: this date is in the future."]
    if kind not in K.values:
        errors["kind"] = ["Choose the kind of work."]
    if workstream not in Workstream.values:
        errors["workstream"] = ["Choose the workstream the work served."]
    if staff_member is not None and not staff_member.is_staff:
        errors["staff_member"] = [f"{staff_member} is not program staff."]
    if errors:
        raise ValidationError(errors)


def _pair(log: CoachingLog, *, created: bool = False) -> None:
    """Link the two sides' entries of the same 1:1 meeting so the hour counts once.

    The same meeting = same jurisdiction, same date, 1:1 kind, same program staff member, one
    entry from each side. The staff side points to the contact's entry and drops out of totals.
    A `created` entry has no link to it yet, so there is none to drop or to find.
    """
    if log.side == CoachingLog.Side.PROGRAM:
        partner = None
        if log.kind == K.ONE_ON_ONE and log.staff_member_id:
            partner = (
                CoachingLog.objects.filter(
                    jurisdiction_id=log.jurisdiction_id,
                    date=log.date,
                    kind=K.ONE_ON_ONE,
                    staff_member_id=log.staff_member_id,
                    side=CoachingLog.Side.JURISDICTION,
                    paired_by__isnull=True,
                )
                .order_by("created_at", "pk")
                .first()
            )
        if log.pairs_with_id != (partner.pk if partner else None):
            log.pairs_with = partner
            log.save(update_fields=["pairs_with"])
        return
    # The contact's side: drop a stale link, then adopt an unpaired staff entry of the meeting.
    if not created:
        CoachingLog.objects.filter(pairs_with=log).exclude(
            date=log.date, kind=K.ONE_ON_ONE, staff_member_id=log.staff_member_id
        ).update(pairs_with=None)
    if log.kind != K.ONE_ON_ONE or not log.staff_member_id:
        return
    if not created and CoachingLog.objects.filter(pairs_with=log).exists():
        return
    staff_entry = (
        CoachingLog.objects.filter(
            jurisdiction_id=log.jurisdiction_id,
            date=log.date,
            kind=K.ONE_ON_ONE,
            staff_member_id=log.staff_member_id,
            side=CoachingLog.Side.PROGRAM,
            pairs_with__isnull=True,
        )
        .order_by("created_at", "pk")
        .first()
    )
    if staff_entry is not None:
        staff_entry.pairs_with = log
        staff_entry.save(update_fields=["pairs_with"])


def coaching_log_create(
    *,
    jurisdiction: Jurisdiction,
    author: User,
    date: dt.date,
    duration_minutes: int,
    kind: str,
    workstream: str,
    staff_member: User | None = None,
    notes: str = "",
    next_steps: str = "",
) -> CoachingLog:
    side = _side_for(author, jurisdiction.pk)
    if side == CoachingLog.Side.PROGRAM and staff_member is None:
        staff_member = author
    _validate(
        jurisdiction=jurisdiction,
        date=date,
        duration_minutes=duration_minutes,
        kind=kind,
        workstream=workstream,
        staff_member=staff_member,
    )
    with transaction.atomic():
        log = CoachingLog.objects.create(
            jurisdiction=jurisdiction,
            author=author,
            side=side,
            date=date,
            duration_minutes=duration_minutes,
            kind=kind,
            workstream=workstream,
            staff_member=staff_member,
            notes=notes.strip(),
            next_steps=next_steps.strip(),
        )
        _pair(log, created=True)
    return log


@dataclass(frozen=True)
class WeekEntry:
    """One filled row of the week grid."""

    date: dt.date
    duration_minutes: int
    kind: str
    workstream: str
    staff_member: Any = None
    notes: str = ""
    next_steps: str = ""


class WeekRowError(Exception):
    """A row of the week was refused; `row` is its index in the entries given."""

    def __init__(self, row: int, error: ValidationError) -> None:
        super().__init__(str(error))
        self.row = row
        self.error = error


def coaching_week_save(
    *, jurisdiction: Jurisdiction, author: User, entries: list[WeekEntry]
) -> list[CoachingLog]:
    """Create one entry per row, all or nothing: a refused row saves none of the week."""
    if not entries:
        raise ValidationError("Nothing to save: fill in the hours of at least one day.")
    logs = []
    with transaction.atomic():
        for row, entry in enumerate(entries):
            try:
                logs.append(
                    coaching_log_create(jurisdiction=jurisdiction, author=author, **vars(entry))
                )
            except ValidationError as error:
                raise WeekRowError(row, error) from error
    return logs


EDITABLE_FIELDS = (
    "date",
    "duration_minutes",
    "kind",
    "workstream",
    "staff_member",
    "notes",
    "next_steps",
)


def coaching_log_update(*, log: CoachingLog, by: User, **changes: Any) -> CoachingLog:
    if not log_is_editable(log=log, user=by):
        raise PermissionDenied("Only the author may change an entry, and only until it locks.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(log, field, value.strip() if field in ("notes", "next_steps") else value)
    if log.side == CoachingLog.Side.PROGRAM and log.staff_member is None:
        log.staff_member = by
    _validate(
        jurisdiction=log.jurisdiction,
        date=log.date,
        duration_minutes=log.duration_minutes,
        kind=log.kind,
        workstream=log.workstream,
        staff_member=log.staff_member,
    )
    with transaction.atomic():
        log.save()
        _pair(log)
    return log


def coaching_log_delete(*, log: CoachingLog, by: User) -> None:
    if not log_is_editable(log=log, user=by):
        raise PermissionDenied("Only the author may delete an entry, and only until it locks.")
    with transaction.atomic():
        partner = CoachingLog.objects.filter(pairs_with=log).first()
        log.delete()
        if partner is not None:
            partner.refresh_from_db()
            _pair(partner)


def _can_work_on(user: RequestUser, jurisdiction_id: int) -> bool:
    roles = roles_of(user)
    return roles.is_staff or (roles.is_contact and roles.jurisdiction_id == jurisdiction_id)


def deliverable_create(
    *,
    jurisdiction: Jurisdiction,
    workstream: str,
    title: str,
    due_on: dt.date,
    by: User,
    description: str = "",
    owner: User | None = None,
) -> Deliverable:
    if not _can_work_on(by, jurisdiction.pk):
        raise PermissionDenied("You may add deliverables only for your own jurisdiction.")
    _validate_owner(owner, jurisdiction.pk)
    return Deliverable.objects.create(
        jurisdiction=jurisdiction,
        workstream=workstream,
        title=title.strip(),
        description=description.strip(),
        due_on=due_on,
        owner=owner,
        updated_by=by,
    )


def _validate_owner(owner: User | None, jurisdiction_id: int) -> None:
    if owner is None:
        return
    if not (owner.is_staff or owner.contact_jurisdiction_id == jurisdiction_id):
        raise ValidationError({"owner": [f"{owner} is neither program staff nor a contact here."]})


DELIVERABLE_FIELDS = ("workstream", "title", "description", "due_on", "status", "owner")


def deliverable_update(*, deliverable: Deliverable, by: User, **changes: Any) -> Deliverable:
    """Staff and the jurisdiction's contacts both update a deliverable."""
    if not _can_work_on(by, deliverable.jurisdiction_id):
        raise PermissionDenied("You may update deliverables only for your own jurisdiction.")
    unknown = set(changes) - set(DELIVERABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if "owner" in changes:
        _validate_owner(changes["owner"], deliverable.jurisdiction_id)
    for field, value in changes.items():
        setattr(deliverable, field, value)
    if deliverable.status == Deliverable.Status.DONE and deliverable.completed_on is None:
        deliverable.completed_on = local_today(deliverable.jurisdiction)
    elif deliverable.status != Deliverable.Status.DONE:
        deliverable.completed_on = None
    deliverable.updated_by = by
    deliverable.save()
    return deliverable


def deliverable_document_add(
    *, deliverable: Deliverable, upload: UploadedFile, by: User
) -> DeliverableDocument:
    if not _can_work_on(by, deliverable.jurisdiction_id):
        raise PermissionDenied("You may attach documents only for your own jurisdiction.")
    with transaction.atomic():
        document = DeliverableDocument(deliverable=deliverable)
        attach_upload(
            document, upload, allowed=DOCUMENT_KINDS, max_bytes=DOCUMENT_MAX_BYTES, by=by,
            error_field="file",
        )  # fmt: skip
        document.save()
        Deliverable.objects.filter(pk=deliverable.pk).update(updated_by=by)
    return document


# The deliverables each workstream usually produces over the cohort year, in working order.
STANDARD_DELIVERABLES = [
    (Workstream.CALL_ANALYSIS, "Call-for-service analysis"),
    (Workstream.DECISION_TREE, "Call decision tree"),
    (Workstream.HIRING, "Job description"),
    (Workstream.HIRING, "Interview guide"),
    (Workstream.COMMUNITY_BRIEFING, "Community briefing materials"),
    (Workstream.RFP, "RFP draft"),
    (Workstream.EVALUATION, "Outcome metrics and evaluation plan"),
    (Workstream.FUNDING, "Funding plan"),
]


def deliverables_add_standard(
    *, jurisdiction: Jurisdiction, first_due: dt.date, by: User
) -> list[Deliverable]:
    """Add the standard deliverables a jurisdiction lacks, due a month apart (safe to repeat)."""
    if not _can_work_on(by, jurisdiction.pk):
        raise PermissionDenied("You may add deliverables only for your own jurisdiction.")
    existing = set(
        Deliverable.objects.filter(jurisdiction=jurisdiction).values_list("title", flat=True)
    )

    created = []
    with transaction.atomic():
        for index, (workstream, title) in enumerate(STANDARD_DELIVERABLES):
            if title in existing:
                continue
            created.append(
                Deliverable.objects.create(
                    jurisdiction=jurisdiction,
                    workstream=workstream,
                    title=title,
                    due_on=add_months(first_due, index),
                    updated_by=by,
                )
            )
    return created
