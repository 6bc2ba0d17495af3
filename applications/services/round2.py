"""Staff work: round 1 reviews, staged decisions, round 2 records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from applications import workflow
from applications.emails import application_email_send, email_template_get
from applications.models import (
    Application,
    Interview,
    ReferenceCheck,
    Review,
    ReviewCriterion,
    ReviewScore,
    ShortAnswerQuestion,
)
from applications.services.transitions import (
    MAX_UPLOAD_BYTES,
    PUBLISHED_CRITERIA,
    TransitionError,
    _local,
    application_transition,
)
from cohorts.models import Cohort, CohortMembership
from gpl_cohort.uploads import Kind, attach_upload

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User

# -------------------------------------------------------------------------------- reviews


def criteria_seed(*, cohort: Cohort) -> list[ReviewCriterion]:
    return [
        ReviewCriterion.objects.get_or_create(
            cohort=cohort, name=name, defaults={"description": description, "order": i}
        )[0]
        for i, (name, description) in enumerate(PUBLISHED_CRITERIA)
    ]


@transaction.atomic
def review_submit(
    *,
    application: Application,
    reviewer: User,
    conflict_of_interest: bool,
    comment: str,
    scores: Mapping[int, int],
) -> Review:
    """Save a reviewer's scores; a declared conflict of interest stores no scores, for good."""
    if not reviewer.is_staff:
        raise ValidationError("Only program staff review applications.")
    if application.status not in workflow.REVIEWABLE:
        raise ValidationError("Round 1 scoring is closed for this application.")
    review, _ = Review.objects.select_for_update().get_or_create(
        application=application, reviewer=reviewer
    )
    if review.conflict_of_interest:
        raise ValidationError("You declared a conflict of interest: you cannot score it.")
    review.conflict_of_interest = conflict_of_interest
    review.comment = comment
    review.submitted_at = timezone.now()
    review.save()
    review.scores.all().delete()
    if conflict_of_interest:
        return review
    criteria = list(application.cohort.criteria.all())
    missing = [c.name for c in criteria if c.pk not in scores]
    if missing:
        raise ValidationError("Score every criterion. Missing: " + "; ".join(missing) + ".")
    for criterion in criteria:
        score = int(scores[criterion.pk])
        if not 1 <= score <= 5:
            raise ValidationError(f"Scores are 1 to 5 ({criterion.name}: {score}).")
        ReviewScore.objects.create(review=review, criterion=criterion, score=score)
    return review


# ---------------------------------------------------------------------- staged decisions


def decision_stage(*, application: Application, decision: str) -> Application:
    if decision and decision not in workflow.DECISIONS:
        raise ValidationError(f"“{decision}” is not a decision.")
    if decision and workflow.transition(application.status, decision) is None:
        raise ValidationError(
            f"{application.jurisdiction} is “{workflow.staff_label(application.status)}”: "
            f"it cannot be moved to “{workflow.staff_label(decision)}”."
        )
    application.pending_decision = decision
    application.save(update_fields=["pending_decision", "updated_at"])
    return application


def decisions_apply(*, cohort: Cohort, by: User) -> tuple[int, list[str]]:
    """Apply every staged decision of the cohort; each one is its own transition."""
    applied, errors = 0, []
    pending = Application.objects.filter(cohort=cohort).exclude(pending_decision="")
    for application in pending.select_related("jurisdiction", "cohort"):
        try:
            application_transition(
                application=application, to_status=application.pending_decision, by=by
            )
        except TransitionError as error:
            errors.append(f"{application.jurisdiction}: {error}")
        else:
            applied += 1
    return applied, errors


@dataclass(frozen=True)
class EmailDraft:
    """Staff's wording of one decision email (Django template syntax, already validated)."""

    subject: str
    body: str


@transaction.atomic
def decision_emails_save(*, cohort: Cohort, drafts: Mapping[str, EmailDraft]) -> None:
    """Store the cohort's decision emails as staff worded them, keyed by decision."""
    for key, draft in drafts.items():
        template = email_template_get(cohort=cohort, key=key)
        template.subject, template.body = draft.subject, draft.body
        template.save(update_fields=["subject", "body", "updated_at"])


@transaction.atomic
def decisions_apply_with_emails(
    *, cohort: Cohort, drafts: Mapping[str, EmailDraft], by: User
) -> tuple[int, list[str]]:
    """Save the emails and apply every staged decision in one transaction, so each decision
    goes out with the wording staff saw on the page (emails are sent after commit)."""
    decision_emails_save(cohort=cohort, drafts=drafts)
    return decisions_apply(cohort=cohort, by=by)


# ------------------------------------------------------------------------------- round 2


@transaction.atomic
def interview_schedule(
    *,
    application: Application,
    starts_at: dt.datetime,
    time_zone: str,
    meeting_url: str,
    attendees: str,
    by: User,
) -> Interview:
    if application.status not in workflow.ROUND2:
        raise ValidationError("Interviews are scheduled in round 2 only.")
    interview = Interview.objects.create(
        application=application,
        starts_at=starts_at,
        time_zone=time_zone,
        meeting_url=meeting_url,
        attendees=attendees,
        scheduled_by=by,
    )
    application_email_send(
        application=application,
        key="interview_invitation",
        message_key=f"interview-invitation:{interview.pk}",
        extra={"interview": interview, "interview_time": _local(starts_at, time_zone)},
    )
    if application.status == Application.Status.INVITED_ROUND2:
        application_transition(
            application=application,
            to_status=Application.Status.INTERVIEW_SCHEDULED,
            by=by,
            comment=f"Interview on {_local(starts_at, time_zone)}",
        )
    return interview


@transaction.atomic
def mou_confirm(*, application: Application, by: User, note: str) -> Application:
    if application.status not in workflow.ROUND2:
        raise ValidationError("The MoU confirmation is recorded in round 2.")
    application.mou_confirmed_at = timezone.now()
    application.mou_confirmed_by = by
    application.mou_confirmation_note = note
    application.save(
        update_fields=["mou_confirmed_at", "mou_confirmed_by", "mou_confirmation_note"]
    )
    return application


@transaction.atomic
def support_letters_request(*, application: Application, by: User) -> Application:
    if application.status not in workflow.LETTERS_OPEN:
        raise ValidationError("Letters of support are requested in round 2.")
    application.support_letters_requested_at = timezone.now()
    application.save(update_fields=["support_letters_requested_at"])
    application_email_send(
        application=application,
        key="support_letter_request",
        message_key=f"support-letter-request:{application.pk}:{application.support_letters_requested_at.isoformat()}",
    )
    return application


@transaction.atomic
def support_letter_add(
    *,
    application: Application,
    upload: UploadedFile,
    signer_name: str,
    signer_title: str,
    office: str,
    dated: dt.date,
    by: User,
) -> Any:
    from jurisdictions.models import SupportLetter

    if application.status not in workflow.LETTERS_OPEN:
        raise ValidationError("Letters of support are received in round 2 and after selection.")
    membership = CohortMembership.objects.filter(
        cohort=application.cohort, jurisdiction=application.jurisdiction
    ).first()
    letter = SupportLetter(
        jurisdiction=application.jurisdiction,
        application=application,
        membership=membership,
        signer_name=signer_name,
        signer_title=signer_title,
        office=office,
        dated=dated,
    )
    attach_upload(
        letter, upload, allowed=(Kind.PDF,), max_bytes=MAX_UPLOAD_BYTES, by=by, count_pages=True
    )
    letter.save()
    if membership is not None:
        # A letter uploaded after selection may be the last missing piece of the seat's
        # paperwork: let the jurisdictions app enrol it (and signal back) at once.
        from jurisdictions.services import membership_enrol_if_complete

        membership_enrol_if_complete(membership=membership, by=by)
    return letter


@transaction.atomic
def reference_check_record(
    *,
    application: Application,
    name: str,
    organisation: str,
    called_on: dt.date,
    notes: str,
    by: User,
) -> ReferenceCheck:
    if application.status not in workflow.ROUND2:
        raise ValidationError("Reference checks are recorded in round 2.")
    return ReferenceCheck.objects.create(
        application=application,
        name=name,
        organisation=organisation,
        called_on=called_on,
        notes=notes,
        recorded_by=by,
    )


def short_answer_questions(cohort: Cohort) -> list[ShortAnswerQuestion]:
    return list(cohort.questions.all())
