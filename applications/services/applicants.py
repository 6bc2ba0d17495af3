"""Applicants: sign-up, starting, answering, uploading, co-applicants, re-applicants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from applications.answers import ANSWER_FIELDS
from applications.emails import application_email_send
from applications.models import (
    Application,
    ApplicationContact,
    ApplicationDocument,
    CoApplicantInvitation,
)
from applications.services.transitions import (
    MAX_UPLOAD_BYTES,
    PAGE_LIMIT,
    application_pages,
    application_words,
)
from applications.words import WORD_LIMIT
from cohorts.models import Cohort
from gpl_cohort.links import absolute_url
from gpl_cohort.uploads import CheckedUpload, Kind, attach_upload

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User
    from jurisdictions.models import Jurisdiction

# ------------------------------------------------------------------------------ applicants


def applicant_sign_up(*, email: str, full_name: str, password: str) -> Any:
    User = get_user_model()
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError("An account with this email address exists already. Log in.")
    return User.objects.create_user(email=email, password=password, full_name=full_name.strip())


@transaction.atomic
def application_start(*, cohort: Cohort, user: User, jurisdiction: Jurisdiction) -> Application:
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
def application_start_naming_jurisdiction(
    *,
    cohort: Cohort,
    user: User,
    jurisdiction: Jurisdiction | None = None,
    name: str = "",
    kind: str = "",
    state: str = "",
    population: int | None = None,
) -> Application:
    """Start an application for a listed jurisdiction or one the applicant names; a refused
    start leaves no new jurisdiction behind."""
    if jurisdiction is None:
        jurisdiction = jurisdiction_find_or_create(
            name=name, kind=kind, state=state, population=population
        )
    return application_start(cohort=cohort, user=user, jurisdiction=jurisdiction)


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
    *, application: Application, upload: UploadedFile, by: User
) -> ApplicationDocument:
    """Store a PDF if the application's total stays within 10 pages; DOCX is refused clearly."""
    _require_editable(application)
    Application.objects.select_for_update().filter(pk=application.pk).first()
    already = application_pages(application)

    def within_page_limit(checked: CheckedUpload) -> None:
        if checked.kind == Kind.DOCX:
            raise ValidationError(
                f"“{checked.original_name}” is a Word document. We count pages only in PDFs: save "
                "it as PDF (File → Save as → PDF) and upload the PDF."
            )
        pages = checked.pages or 0
        if already + pages > PAGE_LIMIT:
            if already:
                raise ValidationError(
                    f"“{checked.original_name}” has {pages} pages; with the {already} pages "
                    f"already uploaded that makes {already + pages}, over the limit of "
                    f"{PAGE_LIMIT} pages in total. Remove a file or upload a shorter one."
                )
            raise ValidationError(
                f"“{checked.original_name}” has {pages} pages; uploaded material may not exceed "
                f"{PAGE_LIMIT} pages in total."
            )

    document = ApplicationDocument(application=application)
    attach_upload(
        document, upload, allowed=(Kind.PDF, Kind.DOCX), max_bytes=MAX_UPLOAD_BYTES, by=by,
        count_pages=True, accept=within_page_limit, columns={"size": "size", "pages": "pages"},
    )  # fmt: skip
    document.save()
    return document


@transaction.atomic
def application_save_with_document(
    *,
    application: Application,
    answers: Mapping[str, Any],
    short_answers: Mapping[str, str],
    upload: UploadedFile | None,
    by: User,
) -> Application:
    """Save the answers and the new file together: a refused file stores neither, and its
    error names the `document` field."""
    application_save_answers(application=application, answers=answers, short_answers=short_answers)
    if upload:
        try:
            application_document_add(application=application, upload=upload, by=by)
        except ValidationError as error:
            raise ValidationError({"document": error.messages}) from error
    return application


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
def co_applicant_invite(*, application: Application, email: str, by: User) -> CoApplicantInvitation:
    email = email.strip().lower()
    if application.contacts.filter(user__email__iexact=email).exists():
        raise ValidationError(f"{email} is already a co-applicant.")
    invitation = CoApplicantInvitation.objects.create(
        application=application, email=email, invited_by=by
    )
    join_url = absolute_url(reverse("applications:join", args=[invitation.token]))
    application_email_send(
        application=application,
        key="co_applicant_invitation",
        message_key=f"co-applicant-invitation:{invitation.pk}",
        recipients=[email],
        extra={"join_url": join_url, "inviter_name": by.get_full_name()},
    )
    return invitation


@transaction.atomic
def co_applicant_accept(*, token: str, user: User) -> Application:
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
