"""Writes of the applications app. Every status change goes through `application_transition`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from applications import workflow
from applications.emails import application_email_send
from applications.models import (
    Application,
    ApplicationContact,
    ApplicationDocument,
    ApplicationTransition,
    CoApplicantInvitation,
    Cohort,
    Interview,
    ReferenceCheck,
    Review,
    ReviewCriterion,
    ReviewScore,
    ShortAnswerQuestion,
)
from applications.words import WORD_LIMIT, count_words_in
from gpl_cohort.outbox.services import Attachment
from gpl_cohort.uploads import MB, Kind, check_upload, safe_filename

PAGE_LIMIT = 10
MAX_UPLOAD_BYTES = 10 * MB

# The four published preference criteria ("Who should apply?").
PUBLISHED_CRITERIA = [
    (
        "Cross-agency and community collaboration",
        "Demonstrates collaboration across agencies and with community stakeholders.",
    ),
    (
        "Interest in innovative alternatives",
        "Demonstrates interest in exploring innovative alternatives to traditional emergency "
        "response.",
    ),
    (
        "Launch within 6–9 months of cohort start",
        "Anticipates launching within six to nine months of the cohort start (see the stated "
        "launch date).",
    ),
    (
        "Commitment to equitable outcomes",
        "Strong commitment to equitable outcomes for communities of color and others "
        "disproportionately impacted by the criminal justice system.",
    ),
]

ANSWER_FIELDS = [
    "applying_office",
    "applying_office_other",
    "partners",
    "stage",
    "anticipated_launch_on",
    "team_make_up",
    "team_make_up_other",
    "call_types",
    "collaboration",
    "equity_goals",
]
# The free-text answers that count towards the 500-word limit (with the cohort's questions).
COUNTED_FIELDS = ["partners", "call_types", "collaboration", "equity_goals"]
REQUIRED_FIELDS = [
    "applying_office",
    "partners",
    "stage",
    "anticipated_launch_on",
    "team_make_up",
    "call_types",
    "collaboration",
    "equity_goals",
]


class TransitionError(Exception):
    """A status change that is refused; `str(error)` is written for the person who asked."""

    def __init__(self, message: str, *, code: str = "illegal") -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------- the state machine


def actor_of(by: Any, application: Application) -> set[str]:
    if by is None:
        return {workflow.SYSTEM}
    actors = set()
    if by.is_active and by.is_staff:
        actors.add(workflow.STAFF)
    if ApplicationContact.objects.filter(application=application, user=by).exists():
        actors.add(workflow.APPLICANT)
    return actors


def application_words(
    application: Application, short_answers: Mapping[str, str] | None = None
) -> int:
    answers = application.short_answers if short_answers is None else short_answers
    texts = [getattr(application, f) or "" for f in COUNTED_FIELDS]
    return count_words_in([*texts, *(str(v) for v in answers.values())])


def application_pages(application: Application) -> int:
    return sum(application.documents.values_list("pages", flat=True))


def _local(moment: dt.datetime, zone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(zone)):%B %-d, %Y at %-I:%M %p} ({zone})"


def _guard_window_open(application: Application) -> None:
    # Checked at submit time on the server; the cohort's zone is only for the message.
    cohort = application.cohort
    now = timezone.now()
    if now < cohort.opens_at:
        raise TransitionError(
            f"The application for {cohort.years_label} opens on "
            f"{_local(cohort.opens_at, cohort.time_zone)}.",
            code="closed",
        )
    if now >= cohort.closes_at:
        raise TransitionError(
            f"The application for {cohort.years_label} is closed (it closed on "
            f"{_local(cohort.closes_at, cohort.time_zone)}).",
            code="closed",
        )


def _guard_answers_complete(application: Application) -> None:
    missing = [
        str(Application._meta.get_field(f).verbose_name)
        for f in REQUIRED_FIELDS
        if not getattr(application, f)
    ]
    if application.applying_office == Application.ApplyingOffice.OTHER and not (
        application.applying_office_other.strip()
    ):
        missing.append("other office")
    for question in application.cohort.questions.all():
        if not str(application.short_answers.get(str(question.pk), "")).strip():
            missing.append(question.prompt)
    if missing:
        raise TransitionError(
            "Answer every question before submitting. Missing: " + "; ".join(missing) + ".",
            code="incomplete",
        )


def _guard_within_limits(application: Application) -> None:
    words = application_words(application)
    if words > WORD_LIMIT:
        raise TransitionError(
            f"The short answers have {words} words; together they may not exceed {WORD_LIMIT}.",
            code="limits",
        )
    pages = application_pages(application)
    if pages > PAGE_LIMIT:
        raise TransitionError(
            f"The uploaded material has {pages} pages; it may not exceed {PAGE_LIMIT}.",
            code="limits",
        )


def _guard_interview_exists(application: Application) -> None:
    if not application.interviews.exists():
        raise TransitionError("Schedule the interview first (time, link, attendees).")


def _guard_reference_check_recorded(application: Application) -> None:
    if not application.reference_checks.exists():
        raise TransitionError("Record at least one reference-check call first.")


GUARDS: dict[str, Callable[[Application], None]] = {
    "window_open": _guard_window_open,
    "answers_complete": _guard_answers_complete,
    "within_limits": _guard_within_limits,
    "interview_exists": _guard_interview_exists,
    "reference_check_recorded": _guard_reference_check_recorded,
}


def _effect_stamp_submitted(application: Application, by: Any) -> None:
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at"])


def _effect_invite_to_community(application: Application, by: Any) -> None:
    from community.services import membership_add_not_selected_applicant

    for contact in application.contacts.select_related("user"):
        membership_add_not_selected_applicant(
            user=contact.user, jurisdiction=application.jurisdiction
        )


def _effect_create_membership(application: Application, by: Any) -> None:
    from jurisdictions.models import CohortMembership, SupportLetter

    membership, _ = CohortMembership.objects.get_or_create(
        cohort=application.cohort,
        jurisdiction=application.jurisdiction,
        defaults={"status": CohortMembership.Status.SELECTED, "selected_at": timezone.now()},
    )
    SupportLetter.objects.filter(application=application, membership__isnull=True).update(
        membership=membership
    )


def _effect_enrol_membership(application: Application, by: Any) -> None:
    from jurisdictions.models import CohortMembership

    # When the jurisdictions app enrolled the seat (the usual path) this changes nothing; when
    # staff mark enrolment by hand the seat follows.
    CohortMembership.objects.filter(
        cohort=application.cohort,
        jurisdiction=application.jurisdiction,
        status=CohortMembership.Status.SELECTED,
    ).update(status=CohortMembership.Status.ENROLLED, enrolled_at=timezone.now())


def _effect_withdraw_membership(application: Application, by: Any) -> None:
    from jurisdictions.models import CohortMembership

    CohortMembership.objects.filter(
        cohort=application.cohort,
        jurisdiction=application.jurisdiction,
        status=CohortMembership.Status.SELECTED,
    ).update(status=CohortMembership.Status.WITHDRAWN)


EFFECTS: dict[str, Callable[[Application, Any], None]] = {
    "stamp_submitted": _effect_stamp_submitted,
    "invite_to_community_of_practice": _effect_invite_to_community,
    "create_cohort_membership": _effect_create_membership,
    "enrol_cohort_membership": _effect_enrol_membership,
    "withdraw_cohort_membership": _effect_withdraw_membership,
}


def answers_html(application: Application) -> str:
    return render_to_string(
        "applications/answers_copy.html",
        {"application": application, "answers": application_answers(application)},
    )


def application_answers(application: Application) -> list[tuple[str, str]]:
    """The application's answers as (question, answer) pairs, for copies and read-only pages."""
    rows: list[tuple[str, str]] = []
    for name in ANSWER_FIELDS:
        field = Application._meta.get_field(name)
        value = getattr(application, name)
        if name == "team_make_up":
            labels = dict(Application.TeamMember.choices)
            value = ", ".join(labels.get(v, v) for v in value or [])
        elif getattr(field, "choices", None):
            value = getattr(application, f"get_{name}_display")()
        elif isinstance(value, dt.date):
            value = f"{value:%B %-d, %Y}"
        if name.endswith("_other") and not value:
            continue
        rows.append((str(field.verbose_name).capitalize(), str(value or "")))
    for question in application.cohort.questions.all():
        rows.append((question.prompt, str(application.short_answers.get(str(question.pk), ""))))
    return rows


def application_transition(
    *, application: Application, to_status: str, by: Any, comment: str = ""
) -> ApplicationTransition:
    """Move an application to `to_status` if the workflow allows it for `by` (None = system).

    Validates against `workflow.TRANSITIONS`, runs the transition's guards and effects, records
    the step, and queues its email (the outbox sends after the commit). Raises TransitionError.
    """
    if to_status not in workflow.STATES:
        raise TransitionError(f"“{to_status}” is not a status of an application.")
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("cohort", "jurisdiction")
            .get(pk=application.pk)
        )
        source = locked.status
        step = workflow.transition(source, to_status)
        if step is None:
            raise TransitionError(
                f"An application that is “{workflow.staff_label(source)}” cannot move to "
                f"“{workflow.staff_label(to_status)}”."
            )
        actors = actor_of(by, locked)
        if not actors & step.actors:
            raise TransitionError(
                f"You may not “{step.action_label.lower()}” this application.", code="forbidden"
            )
        if step.needs_comment and not comment.strip() and workflow.STAFF in actors:
            raise TransitionError(f"Say why (“{step.action_label}” needs a comment).")
        for guard in step.guards:
            GUARDS[guard](locked)
        locked.status = to_status
        if locked.pending_decision == to_status or to_status not in workflow.DECISIONS:
            locked.pending_decision = ""
        locked.save(update_fields=["status", "pending_decision", "updated_at"])
        record = ApplicationTransition.objects.create(
            application=locked,
            from_status=source,
            to_status=to_status,
            by=by,
            actor=_recorded_actor(actors, step),
            comment=comment,
        )
        for effect in step.effects:
            EFFECTS[effect](locked, by)
        if step.email:
            attachments: tuple[Attachment, ...] = ()
            if to_status == Application.Status.SUBMITTED:
                attachments = (
                    Attachment(
                        filename=f"application-{safe_filename(str(locked.jurisdiction))}.html",
                        content=answers_html(locked).encode(),
                        mimetype="text/html",
                    ),
                )
            application_email_send(
                application=locked,
                key=step.email,
                message_key=f"application-transition:{record.pk}",
                extra={"comment": comment, "transition": record},
                attachments=attachments,
            )
    application.status = locked.status
    application.submitted_at = locked.submitted_at
    application.pending_decision = locked.pending_decision
    return record


def _recorded_actor(actors: set[str], step: workflow.Transition) -> str:
    for actor in (workflow.SYSTEM, workflow.STAFF, workflow.APPLICANT):
        if actor in actors and actor in step.actors:
            return actor
    return workflow.SYSTEM


# ------------------------------------------------------------------------------ applicants


def applicant_sign_up(*, email: str, full_name: str, password: str) -> Any:
    User = get_user_model()
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError("An account with this email address exists already. Log in.")
    return User.objects.create_user(email=email, password=password, full_name=full_name.strip())


@transaction.atomic
def application_start(*, cohort: Cohort, user: Any, jurisdiction: Any) -> Application:
    """Start (or return) the user's application for `jurisdiction` in `cohort`."""
    if not cohort.is_open:
        raise ValidationError(f"The application for {cohort.years_label} is not open.")
    existing = Application.objects.filter(cohort=cohort, jurisdiction=jurisdiction).first()
    if existing is not None:
        if existing.contacts.filter(user=user).exists():
            return existing
        raise ValidationError(
            f"{jurisdiction} has already started an application to this cohort. Ask the person "
            "who started it to invite you as a co-applicant."
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(cohort=cohort, jurisdiction=jurisdiction)
    except IntegrityError as error:  # a colleague started it a moment ago
        raise ValidationError(
            f"{jurisdiction} has already started an application to this cohort."
        ) from error
    ApplicationContact.objects.create(application=application, user=user)
    return application


@transaction.atomic
def jurisdiction_find_or_create(*, name: str, kind: str, state: str, population: int | None) -> Any:
    from jurisdictions.models import Jurisdiction

    found = Jurisdiction.objects.filter(name__iexact=name.strip(), state=state, kind=kind).first()
    if found:
        return found
    return Jurisdiction.objects.create(
        name=name.strip(), kind=kind, state=state, population=population
    )


def _require_editable(application: Application) -> None:
    if not application.is_editable:
        raise ValidationError("This application is submitted; its answers can no longer change.")


@transaction.atomic
def application_save_answers(
    *, application: Application, answers: Mapping[str, Any], short_answers: Mapping[str, str]
) -> Application:
    _require_editable(application)
    for name in ANSWER_FIELDS:
        if name in answers:
            setattr(application, name, answers[name])
    valid_ids = {str(pk) for pk in application.cohort.questions.values_list("pk", flat=True)}
    application.short_answers = {k: v for k, v in short_answers.items() if k in valid_ids}
    words = application_words(application)
    if words > WORD_LIMIT:
        raise ValidationError(
            f"The short answers have {words} words; together they may not exceed {WORD_LIMIT}."
        )
    application.save()
    return application


@transaction.atomic
def application_document_add(
    *, application: Application, upload: UploadedFile, by: Any
) -> ApplicationDocument:
    """Store a PDF if the application's total stays within 10 pages; DOCX is refused clearly."""
    _require_editable(application)
    checked = check_upload(
        upload, allowed=(Kind.PDF, Kind.DOCX), max_bytes=MAX_UPLOAD_BYTES, count_pages=True
    )
    if checked.kind == Kind.DOCX:
        raise ValidationError(
            f"“{checked.original_name}” is a Word document. We count pages only in PDFs: save it "
            "as PDF (File → Save as → PDF) and upload the PDF."
        )
    Application.objects.select_for_update().filter(pk=application.pk).first()
    already = application_pages(application)
    pages = checked.pages or 0
    if already + pages > PAGE_LIMIT:
        if already:
            raise ValidationError(
                f"“{checked.original_name}” has {pages} pages; with the {already} pages already "
                f"uploaded that makes {already + pages}, over the limit of {PAGE_LIMIT} pages in "
                "total. Remove a file or upload a shorter one."
            )
        raise ValidationError(
            f"“{checked.original_name}” has {pages} pages; uploaded material may not exceed "
            f"{PAGE_LIMIT} pages in total."
        )
    document = ApplicationDocument(
        application=application,
        file_name=checked.original_name,
        pages=pages,
        size=checked.size,
        uploaded_by=by,
    )
    document.file.save(checked.original_name, upload, save=False)
    document.save()
    return document


@transaction.atomic
def application_document_remove(*, document: ApplicationDocument) -> None:
    _require_editable(document.application)
    document.file.delete(save=False)
    document.delete()


def previous_application(application: Application) -> Application | None:
    """The jurisdiction's application to an earlier cohort (a re-applicant), if any."""
    return (
        Application.objects.filter(
            jurisdiction_id=application.jurisdiction_id,
            cohort__starts_on__lt=application.cohort.starts_on,
        )
        .exclude(pk=application.pk)
        .select_related("cohort")
        .order_by("-cohort__starts_on")
        .first()
    )


@transaction.atomic
def application_copy_previous(*, application: Application) -> Application:
    """Copy a re-applicant's answers from the earlier cohort (questions matched by wording)."""
    _require_editable(application)
    previous = previous_application(application)
    if previous is None:
        raise ValidationError("There is no earlier application of this jurisdiction to copy.")
    for name in ANSWER_FIELDS:
        setattr(application, name, getattr(previous, name))
    old_prompts = {str(q.pk): q.prompt for q in previous.cohort.questions.all()}
    by_prompt = {old_prompts.get(k): v for k, v in previous.short_answers.items()}
    application.short_answers = {
        str(q.pk): by_prompt[q.prompt]
        for q in application.cohort.questions.all()
        if q.prompt in by_prompt
    }
    application.save()
    return application


@transaction.atomic
def co_applicant_invite(*, application: Application, email: str, by: Any) -> CoApplicantInvitation:
    email = email.strip().lower()
    if application.contacts.filter(user__email__iexact=email).exists():
        raise ValidationError(f"{email} is already a co-applicant.")
    invitation = CoApplicantInvitation.objects.create(
        application=application, email=email, invited_by=by
    )
    join_url = settings.SITE_URL.rstrip("/") + reverse("applications:join", args=[invitation.token])
    application_email_send(
        application=application,
        key="co_applicant_invitation",
        message_key=f"co-applicant-invitation:{invitation.pk}",
        recipients=[email],
        extra={"join_url": join_url, "inviter_name": by.get_full_name()},
    )
    return invitation


@transaction.atomic
def co_applicant_accept(*, token: str, user: Any) -> Application:
    invitation = (
        CoApplicantInvitation.objects.select_for_update()
        .select_related("application")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise ValidationError("This invitation link is not valid.")
    if invitation.accepted_at and invitation.accepted_by_id != user.pk:
        raise ValidationError("This invitation has already been used by someone else.")
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(
            f"This invitation was sent to {invitation.email}. "
            "Log in with that address to accept it."
        )
    ApplicationContact.objects.get_or_create(
        application=invitation.application,
        user=user,
        defaults={"invited_by": invitation.invited_by},
    )
    if not invitation.accepted_at:
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation.application


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
    reviewer: Any,
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


def decisions_apply(*, cohort: Cohort, by: Any) -> tuple[int, list[str]]:
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


# ------------------------------------------------------------------------------- round 2


@transaction.atomic
def interview_schedule(
    *,
    application: Application,
    starts_at: dt.datetime,
    time_zone: str,
    meeting_url: str,
    attendees: str,
    by: Any,
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
def mou_confirm(*, application: Application, by: Any, note: str) -> Application:
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
def support_letters_request(*, application: Application, by: Any) -> Application:
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
    by: Any,
) -> Any:
    from jurisdictions.models import CohortMembership, SupportLetter

    if application.status not in workflow.LETTERS_OPEN:
        raise ValidationError("Letters of support are received in round 2 and after selection.")
    checked = check_upload(
        upload, allowed=(Kind.PDF,), max_bytes=MAX_UPLOAD_BYTES, count_pages=True
    )
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
        file_name=checked.original_name,
        uploaded_by=by,
    )
    letter.file.save(checked.original_name, upload, save=False)
    letter.save()
    return letter


@transaction.atomic
def reference_check_record(
    *,
    application: Application,
    name: str,
    organisation: str,
    called_on: dt.date,
    notes: str,
    by: Any,
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
