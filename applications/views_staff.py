"""Staff pages: transitions, round 1 reviews, round 2 records, staged decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from applications import services, workflow
from applications.emails import application_url, email_render_from_db, email_templates_for
from applications.forms import (
    DecisionStageForm,
    EmailTemplateForm,
    InterviewForm,
    MouConfirmationForm,
    ReferenceCheckForm,
    ReviewForm,
    TransitionForm,
)
from applications.models import Application
from applications.selectors import (
    application_timeline,
    applications_visible_to,
    other_reviews,
    review_of,
    with_review_stats,
)
from applications.views import render_detail
from cohorts.models import Cohort
from gpl_cohort.accounts.http import AuthenticatedHttpRequest

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User
    from gpl_cohort.accounts.roles import RequestUser

DECISION_EMAILS = ["invited_round2", "declined", "selected", "not_selected"]


def _staff_application(request: HttpRequest, pk: int, perm: str) -> Application:
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return get_object_or_404(applications_visible_to(request.user), pk=pk)


def staff_context(application: Application, user: RequestUser) -> dict[str, Any]:
    interview_initial = {"time_zone": application.jurisdiction.time_zone}
    return {
        "is_staff_view": True,
        "timeline": application_timeline(application),
        "next_steps": workflow.transitions_from(application.status, actor=workflow.STAFF),
        "stats": with_review_stats(Application.objects.filter(pk=application.pk)).first(),
        "reference_checks": application.reference_checks.all(),
        "interview_form": InterviewForm(initial=interview_initial),
        "mou_form": MouConfirmationForm(),
        "reference_form": ReferenceCheckForm(),
        "decision_form": DecisionStageForm(initial={"decision": application.pending_decision}),
        "round2": application.status in workflow.ROUND2,
        "letters_open": application.status in workflow.LETTERS_OPEN,
        "reviewable": application.status in workflow.REVIEWABLE,
    }


@login_required
@require_POST
def transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk, "applications.manage_application")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status to move the application to.")
        return redirect("applications:detail", pk=pk)
    try:
        services.application_transition(
            application=application,
            to_status=form.cleaned_data["to_status"],
            by=request.user,
            comment=form.cleaned_data["comment"],
        )
    except services.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{application.jurisdiction}: {workflow.staff_label(application.status)}."
        )
    return redirect("applications:detail", pk=pk)


@login_required
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk, "applications.review_application")
    criteria = list(application.cohort.criteria.all())
    mine = review_of(application, request.user)
    initial: dict[str, Any] = {}
    if mine:
        initial = {"conflict_of_interest": mine.conflict_of_interest, "comment": mine.comment}
        initial.update({f"score_{s.criterion_id}": str(s.score) for s in mine.scores.all()})
    form = ReviewForm(
        request.POST if request.method == "POST" else None, criteria=criteria, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_submit(
                application=application,
                reviewer=request.user,
                conflict_of_interest=form.cleaned_data["conflict_of_interest"],
                comment=form.cleaned_data["comment"],
                scores=form.scores(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your review is saved.")
            return redirect("applications:review", pk=pk)
    context = {
        "application": application,
        "form": form,
        "mine": mine,
        "others": other_reviews(application, request.user),
        "criteria": criteria,
        "answers": services.application_answers(application),
        "documents": application.documents.all(),
        "reviewable": application.status in workflow.REVIEWABLE,
    }
    return render(request, "applications/review.html", context, status=400 if form.errors else 200)


def _round2_post(
    request: HttpRequest, pk: int, form_class: type, key: str, action: Any, done: str
) -> HttpResponse:
    application = _staff_application(request, pk, "applications.manage_application")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(application, form.cleaned_data, request.user)  # each service is atomic
        except (ValidationError, services.TransitionError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, done)
            return redirect("applications:detail", pk=pk)
    return render_detail(request, application, status=400, **{key: form})


@login_required
@require_POST
def interview(request: HttpRequest, pk: int) -> HttpResponse:
    def action(application: Application, data: dict[str, Any], by: User) -> None:
        from zoneinfo import ZoneInfo

        starts_at = data["starts_at"].replace(tzinfo=ZoneInfo(data["time_zone"]))
        services.interview_schedule(
            application=application,
            starts_at=starts_at,
            time_zone=data["time_zone"],
            meeting_url=data["meeting_url"],
            attendees=data["attendees"],
            by=by,
        )

    return _round2_post(
        request,
        pk,
        InterviewForm,
        "interview_form",
        action,
        "The interview is scheduled and the invitation emailed.",
    )


@login_required
@require_POST
def mou(request: HttpRequest, pk: int) -> HttpResponse:
    return _round2_post(
        request,
        pk,
        MouConfirmationForm,
        "mou_form",
        lambda a, d, by: services.mou_confirm(application=a, by=by, note=d["note"]),
        "The verbal MoU confirmation is recorded.",
    )


@login_required
@require_POST
def reference_check(request: HttpRequest, pk: int) -> HttpResponse:
    return _round2_post(
        request,
        pk,
        ReferenceCheckForm,
        "reference_form",
        lambda a, d, by: services.reference_check_record(application=a, by=by, **d),
        "The reference check is recorded.",
    )


@login_required
@require_POST
def letters_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk, "applications.manage_application")
    try:
        services.support_letters_request(application=application, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The request for letters of support is emailed.")
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def decision_stage(request: HttpRequest, pk: int) -> HttpResponse:
    application = _staff_application(request, pk, "applications.manage_application")
    form = DecisionStageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a decision.")
        return redirect("applications:detail", pk=pk)
    try:
        services.decision_stage(application=application, decision=form.cleaned_data["decision"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The decision is staged; apply it from the decisions page.")
    return redirect("applications:detail", pk=pk)


def _decisions_cohort(request: HttpRequest, slug: str) -> Cohort:
    if not request.user.has_perm("applications.manage_application"):
        raise PermissionDenied
    return get_object_or_404(Cohort, slug=slug)


def _email_forms(request: HttpRequest, cohort: Cohort) -> list[EmailTemplateForm]:
    data = request.POST if request.method == "POST" else None
    return [
        EmailTemplateForm(data, instance=t, prefix=t.key)
        for t in email_templates_for(cohort=cohort, keys=DECISION_EMAILS)
    ]


def _drafts(forms: list[EmailTemplateForm]) -> dict[str, services.EmailDraft]:
    return {
        f.instance.key: services.EmailDraft(
            subject=f.cleaned_data["subject"], body=f.cleaned_data["body"]
        )
        for f in forms
    }


@login_required
@require_http_methods(["GET", "POST"])
def decisions(request: HttpRequest, slug: str) -> HttpResponse:
    """Staged decisions of a cohort and the editable emails they will send (saved here)."""
    cohort = _decisions_cohort(request, slug)
    forms = _email_forms(request, cohort)
    if request.method == "GET":
        return _decisions_page(request, cohort, forms)
    if not all(f.is_valid() for f in forms):
        messages.error(request, "An email draft has an error; nothing was saved.")
        return _decisions_page(request, cohort, forms, status=400)
    services.decision_emails_save(cohort=cohort, drafts=_drafts(forms))
    messages.success(request, "The email drafts are saved.")
    return redirect("applications:decisions", slug=slug)


@login_required
@require_POST
def decisions_apply(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Save the emails as shown and apply every staged decision, sending its email."""
    cohort = _decisions_cohort(request, slug)
    forms = _email_forms(request, cohort)
    if not all(f.is_valid() for f in forms):
        messages.error(request, "An email draft has an error; nothing was applied.")
        return _decisions_page(request, cohort, forms, status=400)
    applied, errors = services.decisions_apply_with_emails(
        cohort=cohort, drafts=_drafts(forms), by=request.user
    )
    messages.success(request, f"{applied} decision(s) applied and emailed.")
    for error in errors:
        messages.error(request, error)
    return redirect("applications:decisions", slug=slug)


def _decisions_page(
    request: HttpRequest, cohort: Cohort, forms: list[EmailTemplateForm], *, status: int = 200
) -> HttpResponse:
    pending = (
        Application.objects.filter(cohort=cohort)
        .exclude(pending_decision="")
        .select_related("jurisdiction")
        .order_by("pending_decision", "jurisdiction__name")
    )
    labels = dict(Application.Decision.choices)
    sections = []
    for form in forms:
        key = form.instance.key
        example = next((a for a in pending if a.pending_decision == key), None)
        preview = None
        if example is not None and not form.errors:
            preview = email_render_from_db(
                cohort=cohort,
                key=key,
                context={
                    "application": example, "cohort": cohort,
                    "jurisdiction": example.jurisdiction,
                    "application_url": application_url(example), "comment": "",
                },
            )  # fmt: skip
        sections.append(
            {"form": form, "label": labels.get(key, key), "example": example, "preview": preview}
        )
    context = {"cohort": cohort, "pending": pending, "sections": sections}
    return render(request, "applications/decisions.html", context, status=status)


@login_required
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_perm("applications.review_application"):
        raise PermissionDenied
    from django.db.models import Exists, OuterRef

    from applications.models import Review

    applications = (
        with_review_stats(applications_visible_to(request.user))
        .filter(status__in=workflow.REVIEWABLE)
        .annotate(
            reviewed_by_me=Exists(
                Review.objects.filter(
                    application=OuterRef("pk"), reviewer=request.user, submitted_at__isnull=False
                )
            )
        )
        .order_by("cohort", "jurisdiction__name")
    )
    return render(request, "applications/review_queue.html", {"applications": applications})
