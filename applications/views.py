"""Public cohort pages, sign-up and the applicant's side of an application."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from applications import services, workflow
from applications.forms import ApplicationForm, InviteForm, SignUpForm, StartForm, SupportLetterForm
from applications.models import Application, ApplicationDocument
from applications.selectors import applications_of_user, applications_visible_to
from applications.words import WORD_LIMIT
from cohorts.selectors import cohorts_public
from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from gpl_cohort.forms import form_add_validation_error
from gpl_cohort.home import landing_offer
from gpl_cohort.uploads import private_file_response


def cohort_list(request: HttpRequest) -> HttpResponse:
    return render(request, "applications/cohort_list.html", {"cohorts": cohorts_public()})


def cohort_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_object_or_404(cohorts_public(), slug=slug)
    # A cohort without a webinar link of its own points to the program's next webinar.
    webinar = None
    if not cohort.webinar_url and not cohort.has_closed:
        webinar = landing_offer(request, "webinar")
    return render(
        request, "applications/cohort_detail.html", {"cohort": cohort, "webinar_panel": webinar}
    )


def sign_up(request: HttpRequest) -> HttpResponse:
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("applications:portal")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.applicant_sign_up(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            login(request, user, backend="gpl_cohort.accounts.backends.EmailBackend")
            messages.success(request, "Welcome! Your account is ready.")
            return redirect(next_url)
    return render(request, "applications/sign_up.html", {"form": form, "next": next_url})


@login_required
def start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    cohort = get_object_or_404(cohorts_public(), slug=slug)
    if not cohort.is_open:
        messages.error(request, f"The application for {cohort.years_label} is closed.")
        return redirect("applications:cohort", slug=cohort.slug)
    form = StartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_start_naming_jurisdiction(
                cohort=cohort, user=request.user, jurisdiction=data["jurisdiction"],
                name=data["name"], kind=data["kind"], state=data["state"],
                population=data["population"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("applications:edit", pk=application.pk)
    return render(request, "applications/start.html", {"cohort": cohort, "form": form})


@login_required
def portal(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "applications/portal.html",
        {
            "applications": applications_of_user(request.user),
            "open_cohorts": [c for c in cohorts_public() if c.is_open],
        },
    )


def _application_for(request: HttpRequest, pk: int, perm: str) -> Application:
    application = get_object_or_404(applications_visible_to(request.user), pk=pk)
    if not request.user.has_perm(perm, application):
        raise PermissionDenied
    return application


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.view_application")
    return render_detail(request, application)


def render_detail(
    request: HttpRequest, application: Application, *, status: int = 200, **forms: object
) -> HttpResponse:
    """The application page; staff also get the timeline and round 2 tools (views_staff)."""
    from applications.views_staff import staff_context

    user = request.user
    context = {
        "application": application,
        "state": workflow.STATES[application.status],
        "answers": services.application_answers(application),
        "documents": application.documents.all(),
        "letters": application.support_letters.all(),
        "interviews": application.interviews.all(),
        "contacts": application.contacts.select_related("user"),
        "invite_form": InviteForm(),
        "letter_form": SupportLetterForm(),
        "can_upload_letters": user.has_perm("applications.add_supportletter", application),
        "can_invite": user.has_perm("applications.invite_coapplicant", application),
        "is_applicant": user.has_perm("applications.invite_coapplicant", application),
    }
    if user.has_perm("applications.manage_application"):
        context.update(staff_context(application, user))
    context.update(forms)
    return render(request, "applications/detail.html", context, status=status)


def _edit_refused(request: HttpRequest, application: Application) -> HttpResponse | None:
    """Back to the application page, saying why, for those who may not change its answers."""
    if request.user.has_perm("applications.change_application", application):
        return None
    if application.is_editable:
        messages.info(request, "Only the applicants of this application edit its answers.")
    else:
        messages.info(request, "This application is submitted: its answers are final.")
    return redirect("applications:detail", pk=application.pk)


def _edit_page(
    request: HttpRequest, application: Application, form: ApplicationForm
) -> HttpResponse:
    context = {
        "application": application,
        "form": form,
        "documents": application.documents.all(),
        "pages_used": services.application_pages(application),
        "page_limit": services.PAGE_LIMIT,
        "word_limit": WORD_LIMIT,
        "previous": services.previous_application(application),
    }
    return render(request, "applications/edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The application form; posting it saves the answers as a draft."""
    application = _application_for(request, pk, "applications.view_application")
    if (refused := _edit_refused(request, application)) is not None:
        return refused
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=application,
    )
    if request.method == "POST" and form.is_valid() and _save(request, application, form):
        messages.success(request, "Your answers are saved as a draft.")
        return redirect("applications:edit", pk=pk)
    return _edit_page(request, application, form)


@login_required
@require_POST
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save the answers, then submit; what is missing is said and the draft is kept."""
    application = _application_for(request, pk, "applications.view_application")
    if (refused := _edit_refused(request, application)) is not None:
        return refused
    form = ApplicationForm(request.POST, request.FILES, instance=application)
    if (
        form.is_valid()
        and _save(request, application, form)
        and _submit(request, application, form)
    ):
        return redirect("applications:detail", pk=pk)
    return _edit_page(request, application, form)


def _save(
    request: AuthenticatedHttpRequest, application: Application, form: ApplicationForm
) -> bool:
    """Save answers and the new file together: a refused file stores nothing, keeps the form."""
    try:
        services.application_save_with_document(
            application=application, answers=form.answers(), short_answers=form.short_answers(),
            upload=form.cleaned_data.get("document"), by=request.user,
        )  # fmt: skip
    except ValidationError as error:
        form_add_validation_error(form, error)
        application.refresh_from_db()
        return False
    return True


def _submit(
    request: AuthenticatedHttpRequest, application: Application, form: ApplicationForm
) -> bool:
    try:
        services.application_transition(
            application=application, to_status=Application.Status.SUBMITTED, by=request.user
        )
    except services.TransitionError as error:
        form.add_error(None, f"Your answers are saved as a draft, but not submitted: {error}")
        return False
    messages.success(
        request,
        "Your application is submitted. We have emailed a copy of your answers to every "
        "applicant contact.",
    )
    return True


@login_required
@require_POST
def copy_previous(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.change_application")
    try:
        services.application_copy_previous(application=application)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your answers from the earlier cohort are copied in: check them.")
    return redirect("applications:edit", pk=pk)


@login_required
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponseBase:
    application = _application_for(request, pk, "applications.view_application")
    document = get_object_or_404(ApplicationDocument, pk=document_pk, application=application)
    return private_file_response(document.file, filename=document.file_name)


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.change_application")
    document = get_object_or_404(ApplicationDocument, pk=document_pk, application=application)
    services.application_document_remove(document=document)
    messages.success(request, f"“{document.file_name}” is removed.")
    return redirect("applications:edit", pk=pk)


@login_required
def letter_download(request: HttpRequest, pk: int, letter_pk: int) -> HttpResponseBase:
    application = _application_for(request, pk, "applications.view_application")
    letter = get_object_or_404(application.support_letters, pk=letter_pk)
    return private_file_response(letter.file, filename=letter.file_name or "letter.pdf")


@login_required
@require_POST
def letter_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.add_supportletter")
    form = SupportLetterForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.support_letter_add(
                application=application,
                upload=data["file"],
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                office=data["office"],
                dated=data["dated"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, "Thank you: the letter of support is received.")
            return redirect("applications:detail", pk=pk)
    return render_detail(request, application, status=400, letter_form=form)


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.invite_coapplicant")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.co_applicant_invite(
                application=application, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"We have emailed an invitation to {form.cleaned_data['email']}."
            )
    else:
        messages.error(request, "Enter a valid email address to invite a colleague.")
    return redirect("applications:detail", pk=pk)


def join(request: HttpRequest, token: str) -> HttpResponse:
    if not request.user.is_authenticated:
        messages.info(
            request, "Log in, or create an account with the invited email address, to join."
        )
        return redirect(f"{reverse('applications:sign_up')}?next={request.path}")
    if request.method != "POST":
        return render(request, "applications/join.html", {"token": token})
    try:
        application = services.co_applicant_accept(token=token, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("applications:portal")
    messages.success(request, f"You are now a co-applicant of {application.jurisdiction}.")
    return redirect("applications:detail", pk=application.pk)
