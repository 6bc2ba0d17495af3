"""Writes of the jurisdictions app: enrolment paperwork, the point of contact, the library.

Every MoU status change passes through `mou_transition` (the allowed steps are data, in
mou_workflow.py) and every write that may complete a seat's paperwork ends in
`membership_enrol_if_complete`, the one place that enrols a seat and sends the paperwork signals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from cohorts.models import CohortMembership
from gpl_cohort.accounts.roles import roles_of
from gpl_cohort.outbox.services import email_queue, email_render
from gpl_cohort.uploads import MB, Kind, attach_upload
from gpl_cohort.workflow import Transition, TransitionError, run_named
from jurisdictions import mou_workflow, signals
from jurisdictions.dates import local_today
from jurisdictions.models import (
    Agency,
    Contact,
    Jurisdiction,
    MoU,
    MoUTransition,
    PaperworkSettings,
    PointOfContactChange,
    Resource,
    ResourceTag,
    ResponseTeam,
    SupportLetter,
)

if TYPE_CHECKING:
    from cohorts.models import Cohort
    from gpl_cohort.accounts.models import User
    from gpl_cohort.accounts.roles import RequestUser

PAPERWORK_MAX_BYTES = 10 * MB
RESOURCE_MAX_BYTES = 25 * MB
RESOURCE_KINDS = (Kind.PDF, Kind.DOCX, Kind.XLSX, Kind.CSV, Kind.PNG, Kind.JPEG, Kind.ZIP)

S = MoU.Status


def _sides_of(user: RequestUser, membership: CohortMembership) -> set[str]:
    roles = roles_of(user)
    sides = set()
    if roles.is_staff:
        sides.add(mou_workflow.STAFF)
    if roles.is_contact and roles.jurisdiction_id == membership.jurisdiction_id:
        sides.add(mou_workflow.CONTACT)
    return sides


def mou_allowed_steps(*, mou: MoU, user: RequestUser) -> list[Transition]:
    """The steps this person may take on this MoU now."""
    sides = _sides_of(user, mou.membership)
    return mou_workflow.WORKFLOW.transitions_from(mou.status, actors=sides)


def mou_create(*, membership: CohortMembership, by: User | None = None) -> MoU:
    mou, _ = MoU.objects.get_or_create(membership=membership)
    return mou


def _attach_pdf(instance: MoU | SupportLetter, upload: UploadedFile, **options: Any) -> None:
    attach_upload(
        instance, upload, allowed=(Kind.PDF,), max_bytes=PAPERWORK_MAX_BYTES, count_pages=True,
        error_field="file", **options,
    )  # fmt: skip


@dataclass(frozen=True)
class MoUStepInput:
    """What the person taking a step gave on the page (all optional; guards say what is needed)."""

    note: str = ""
    signed_file: UploadedFile | None = None
    jurisdiction_signatory: str = ""
    jurisdiction_signatory_title: str = ""
    program_signatory: str = ""


def _guard_signed_file_attached(mou: MoU, given: MoUStepInput) -> None:
    if given.signed_file is None and not mou.signed_file:
        raise ValidationError({"file": ["Attach the signed MoU as a PDF."]})


def _guard_signatory_named(mou: MoU, given: MoUStepInput) -> None:
    if not (given.jurisdiction_signatory or mou.jurisdiction_signatory):
        raise ValidationError(
            {"jurisdiction_signatory": ["Name the person who signed for the jurisdiction."]}
        )


MOU_GUARDS: dict[str, Callable[[MoU, MoUStepInput], None]] = {
    "signed_file_attached": _guard_signed_file_attached,
    "signatory_named": _guard_signatory_named,
}


def _effect_forget_sending(mou: MoU, by: Any) -> None:
    # Taken back for changes: the reminders count again from the next sending.
    mou.sent_at = None
    mou.last_reminded_at = None
    mou.save(update_fields=["sent_at", "last_reminded_at"])


def _effect_enrol_seat_if_complete(mou: MoU, by: Any) -> None:
    membership_enrol_if_complete(membership=mou.membership, by=by)


MOU_EFFECTS: dict[str, Callable[[MoU, Any], None]] = {
    "forget_sending": _effect_forget_sending,
    "enrol_seat_if_complete": _effect_enrol_seat_if_complete,
}


def _given_to(mou: MoU, given: MoUStepInput) -> None:
    if given.signed_file is not None:
        _attach_pdf(mou, given.signed_file, field="signed_file")
    for name in ("jurisdiction_signatory", "jurisdiction_signatory_title", "program_signatory"):
        if value := getattr(given, name):
            setattr(mou, name, value)


def mou_transition(
    *,
    mou: MoU,
    to_status: str,
    by: User,
    note: str = "",
    signed_file: UploadedFile | None = None,
    jurisdiction_signatory: str = "",
    jurisdiction_signatory_title: str = "",
    program_signatory: str = "",
) -> MoU:
    """Move an MoU one declared step along its lifecycle (mou_workflow.py) and log the step.

    Raises ValidationError for a step the table does not have or whose guards fail (missing
    signed PDF or signatory), PermissionDenied for a step that is not `by`'s to take.
    """
    data = MoUStepInput(
        note=note,
        signed_file=signed_file,
        jurisdiction_signatory=jurisdiction_signatory,
        jurisdiction_signatory_title=jurisdiction_signatory_title,
        program_signatory=program_signatory,
    )
    with transaction.atomic():
        mou = MoU.objects.select_for_update().select_related("membership").get(pk=mou.pk)
        try:
            step = mou_workflow.WORKFLOW.step(mou.status, to_status, _sides_of(by, mou.membership))
        except TransitionError as error:
            if error.code == "forbidden":
                raise PermissionDenied(str(error)) from error
            raise ValidationError(str(error)) from error
        run_named(step.guards, MOU_GUARDS, mou, data)
        _given_to(mou, data)
        from_status, mou.status = mou.status, to_status
        if stamp := mou_workflow.STAMPS.get(to_status):
            setattr(mou, stamp, timezone.now())
        mou.save()
        MoUTransition.objects.create(
            mou=mou, from_status=from_status, to_status=to_status, by=by, note=data.note
        )
        run_named(step.effects, MOU_EFFECTS, mou, by)
    return mou


mou_workflow.WORKFLOW.check_names(guards=MOU_GUARDS, effects=MOU_EFFECTS)


def support_letter_create(
    *,
    jurisdiction_id: int,
    signer_name: str,
    signer_title: str,
    office: str,
    dated: dt.date,
    upload: UploadedFile,
    by: User,
    membership: CohortMembership | None = None,
) -> SupportLetter:
    """Store a leadership support letter (PDF) and, for a seat, check enrolment."""
    if membership is not None and membership.jurisdiction_id != jurisdiction_id:
        raise ValidationError("The letter and the cohort seat belong to different jurisdictions.")
    jurisdiction = Jurisdiction.objects.only("name", "time_zone").get(pk=jurisdiction_id)
    today = local_today(jurisdiction)
    if dated > today:
        message = f"A letter cannot be dated in the future: it is {today:%b %-d, %Y} in "
        raise ValidationError({"dated": [message + f"{jurisdiction.name}."]})
    with transaction.atomic():
        letter = SupportLetter(
            jurisdiction_id=jurisdiction_id,
            membership=membership,
            signer_name=signer_name,
            signer_title=signer_title,
            office=office,
            dated=dated,
        )
        _attach_pdf(letter, upload, by=by)
        letter.save()
        if membership is not None:
            membership_enrol_if_complete(membership=membership, by=by)
    return letter


def point_of_contact_change(
    *, membership: CohortMembership, new: User, reason: str, by: User
) -> PointOfContactChange:
    """Designate or change a seat's project point of contact; every change keeps its reason."""
    reason = (reason or "").strip()
    if new.contact_jurisdiction_id != membership.jurisdiction_id:
        raise ValidationError(
            {"new": [f"{new} is not a contact of {membership.jurisdiction.name}."]}
        )
    with transaction.atomic():
        membership = CohortMembership.objects.select_for_update().get(pk=membership.pk)
        previous = membership.point_of_contact
        if previous is not None and previous.pk == new.pk:
            raise ValidationError({"new": [f"{new} is already the point of contact."]})
        if previous is not None and not reason:
            raise ValidationError(
                {"reason": ["Say why the point of contact changes: it is meant to stay all year."]}
            )
        membership.point_of_contact = new
        membership.save(update_fields=["point_of_contact"])
        change = PointOfContactChange.objects.create(
            membership=membership,
            previous=previous,
            new=new,
            reason=reason or "First designation",
            changed_by=by,
        )
        membership_enrol_if_complete(membership=membership, by=by)
    return change


@dataclass(frozen=True)
class Paperwork:
    mou_signed: bool
    letters: int
    point_of_contact: bool

    @property
    def received(self) -> bool:
        return self.mou_signed and self.letters > 0

    @property
    def complete(self) -> bool:
        return self.received and self.point_of_contact

    @property
    def outstanding(self) -> list[str]:
        missing = []
        if not self.mou_signed:
            missing.append("signed MoU")
        if not self.letters:
            missing.append("leadership support letter")
        if not self.point_of_contact:
            missing.append("point of contact")
        return missing


def membership_paperwork(membership: CohortMembership) -> Paperwork:
    mou = MoU.objects.filter(membership=membership).only("status").first()
    return Paperwork(
        mou_signed=bool(mou and mou.status in mou_workflow.SIGNED),
        letters=SupportLetter.objects.filter(membership=membership).count(),
        point_of_contact=membership.point_of_contact_id is not None,
    )


def membership_enrol_if_complete(*, membership: CohortMembership, by: User | None = None) -> bool:
    """Enrol a selected seat whose paperwork is complete; send each paperwork signal once.

    `paperwork_received` goes out when the signed MoU and a support letter are in; then
    `membership_enrolled` when the point of contact is designated too. The signals are sent
    inside the transaction so a listener's failure undoes the step that completed the seat.
    """
    with transaction.atomic():
        membership = CohortMembership.objects.select_for_update().get(pk=membership.pk)
        if membership.status != CohortMembership.Status.SELECTED:
            return False
        paperwork = membership_paperwork(membership)
        if paperwork.received and membership.paperwork_received_at is None:
            membership.paperwork_received_at = timezone.now()
            membership.save(update_fields=["paperwork_received_at"])
            signals.paperwork_received.send(sender=CohortMembership, membership=membership, by=by)
        if not paperwork.complete:
            return False
        membership.status = CohortMembership.Status.ENROLLED
        membership.enrolled_at = timezone.now()
        membership.save(update_fields=["status", "enrolled_at"])
        signals.membership_enrolled.send(sender=CohortMembership, membership=membership, by=by)
    return True


class SelectedApplication(Protocol):
    """What a seat needs of the application selected for it (applications.Application, which
    sits a layer above and is not imported here)."""

    pk: int
    cohort_id: int
    jurisdiction_id: int


def membership_select(
    *, application: SelectedApplication, by: User | None = None
) -> CohortMembership:
    """The seat of a selected application (made once), with the application's support
    letters attached to it. Saved one by one, so the audit log records each change."""
    with transaction.atomic():
        membership, _ = CohortMembership.objects.get_or_create(
            cohort_id=application.cohort_id,
            jurisdiction_id=application.jurisdiction_id,
            defaults={"status": CohortMembership.Status.SELECTED, "selected_at": timezone.now()},
        )
        letters = SupportLetter.objects.filter(
            application_id=application.pk, membership__isnull=True
        )
        for letter in letters:
            letter.membership = membership
            letter.save(update_fields=["membership"])
    return membership


def _selected_seat(cohort: Cohort, jurisdiction: Jurisdiction) -> CohortMembership | None:
    return (
        CohortMembership.objects.select_for_update()
        .filter(cohort=cohort, jurisdiction=jurisdiction, status=CohortMembership.Status.SELECTED)
        .first()
    )


def membership_enrol(*, cohort: Cohort, jurisdiction: Jurisdiction, by: User | None = None) -> bool:
    """Staff marked the application enrolled by hand: its selected seat follows. A seat this
    app enrolled already (the usual path, membership_enrol_if_complete) is left as it is."""
    with transaction.atomic():
        membership = _selected_seat(cohort, jurisdiction)
        if membership is None:
            return False
        membership.status = CohortMembership.Status.ENROLLED
        membership.enrolled_at = timezone.now()
        membership.save(update_fields=["status", "enrolled_at"])
    return True


def membership_withdraw(
    *, cohort: Cohort, jurisdiction: Jurisdiction, by: User | None = None
) -> bool:
    """The application was withdrawn after selection: its seat, still selected, is given up."""
    with transaction.atomic():
        membership = _selected_seat(cohort, jurisdiction)
        if membership is None:
            return False
        membership.status = CohortMembership.Status.WITHDRAWN
        membership.save(update_fields=["status"])
    return True


def _reminder_recipients(membership: CohortMembership) -> list[str]:
    if membership.point_of_contact:
        return [membership.point_of_contact.email]
    return list(
        membership.jurisdiction.contacts.filter(is_active=True).values_list("email", flat=True)
    )


def mou_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Email a reminder for each MoU waiting in “sent” longer than staff configured.

    The message key names the MoU and the reminder window, so running this any number of times
    in a window sends one reminder; the next window (every `mou_reminder_every_days`) sends again.
    """
    now = now or timezone.now()
    config = PaperworkSettings.load()
    after = dt.timedelta(days=config.mou_reminder_after_days)
    waiting = MoU.objects.filter(status=S.SENT, sent_at__lte=now - after).select_related(
        "membership__jurisdiction", "membership__cohort", "membership__point_of_contact"
    )
    queued = 0
    for mou in waiting:
        assert mou.sent_at is not None  # noqa: S101 - filtered above
        window = (now - mou.sent_at - after).days // config.mou_reminder_every_days
        recipients = _reminder_recipients(mou.membership)
        if not recipients:
            continue
        email = email_render(
            template="jurisdictions/email/mou_reminder",
            context={
                "mou": mou,
                "membership": mou.membership,
                "days_waiting": (now - mou.sent_at).days,
            },
        )
        created = email_queue(
            message_key=f"mou-reminder:{mou.pk}:{window}",
            recipients=recipients,
            subject=email.subject,
            text=email.text,
            html=email.html,
        )
        if created:
            MoU.objects.filter(pk=mou.pk).update(last_reminded_at=now)
            queued += len(created)
    return queued


def _tags_from(names: Iterable[str]) -> list[ResourceTag]:
    tags = []
    for raw in names:
        name = " ".join(raw.split()).lower()[:60]
        if name:
            tag = ResourceTag.objects.filter(name__iexact=name).first()
            tags.append(tag or ResourceTag.objects.create(name=name))
    return tags


def resource_create(
    *,
    title: str,
    description: str,
    category: str,
    tags: Iterable[str],
    upload: UploadedFile,
    by: User,
    source_jurisdiction_id: int | None = None,
) -> Resource:
    """Add a template or peer example to the library (staff only)."""
    if not roles_of(by).is_staff:
        raise PermissionDenied("Only program staff add to the resource library.")
    with transaction.atomic():
        resource = Resource(
            title=title.strip(),
            description=description.strip(),
            category=category,
            source_jurisdiction_id=source_jurisdiction_id,
        )
        attach_upload(
            resource, upload, allowed=RESOURCE_KINDS, max_bytes=RESOURCE_MAX_BYTES, by=by,
            error_field="file",
        )  # fmt: skip
        resource.save()
        resource.tags.set(_tags_from(tags))
    return resource


def resource_delete(*, resource: Resource, by: User) -> None:
    if not roles_of(by).is_staff:
        raise PermissionDenied("Only program staff remove resources.")
    with transaction.atomic():
        stored = resource.file.name
        storage = resource.file.storage
        resource.delete()
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))


def _require_editor(user: RequestUser, jurisdiction_id: int) -> None:
    roles = roles_of(user)
    if not (roles.is_staff or (roles.is_contact and roles.jurisdiction_id == jurisdiction_id)):
        raise PermissionDenied("You may change only your own jurisdiction.")


def agency_create(*, jurisdiction_id: int, name: str, kind: str, by: User) -> Agency:
    _require_editor(by, jurisdiction_id)
    name = " ".join(name.split())
    if Agency.objects.filter(jurisdiction_id=jurisdiction_id, name__iexact=name).exists():
        raise ValidationError({"name": [f"“{name}” is already listed."]})
    return Agency.objects.create(jurisdiction_id=jurisdiction_id, name=name, kind=kind)


def contact_create(*, jurisdiction_id: int, by: User, **fields: Any) -> Contact:
    _require_editor(by, jurisdiction_id)
    agency = fields.get("agency")
    if agency is not None and agency.jurisdiction_id != jurisdiction_id:
        raise ValidationError({"agency": ["Choose one of this jurisdiction's agencies."]})
    return Contact.objects.create(jurisdiction_id=jurisdiction_id, **fields)


TEAM_FIELDS = ("name", "status", "launched_on", "dispatched_from", "call_types", "make_up")


def response_team_save(
    *, jurisdiction_id: int, by: User, team: ResponseTeam | None = None, **fields: Any
) -> ResponseTeam:
    """Create or update the alternative response team (make-up, dispatch, status, call types)."""
    _require_editor(by, jurisdiction_id)
    team = team or ResponseTeam(jurisdiction_id=jurisdiction_id)
    if team.jurisdiction_id != jurisdiction_id:
        raise PermissionDenied("That team belongs to another jurisdiction.")
    for field in TEAM_FIELDS:
        if field in fields:
            setattr(team, field, fields[field])
    if team.status == ResponseTeam.Status.LAUNCHED and team.launched_on is None:
        raise ValidationError({"launched_on": ["A launched team needs its launch date."]})
    team.save()
    return team
