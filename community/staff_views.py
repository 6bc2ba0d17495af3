"""Staff pages: attendance, materials, follow-up, reports, subscribers and newsletter issues."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import selectors, services
from community.forms import AttendanceImportForm, IssueForm, MaterialsForm, ScheduleForm
from community.models import NewsletterIssue, Registration, Session, Subscriber
from community.services.newsletter import issue_html
from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from gpl_cohort.uploads import csv_safe


def staff_only(perm: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(filename: str, header: list[str], rows: Any) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([csv_safe(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_only("community.manage_sessions")
@require_GET
def sessions(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.sessions_all_for_staff(), 50).get_page(request.GET.get("page"))
    return render(request, "community/staff/sessions.html", {"page": page})


def _session_page(
    request: HttpRequest, session: Session, *, status: int = 200, **parts: Any
) -> HttpResponse:
    context = {
        "session": session,
        "registrations": list(selectors.session_registrations(session=session)),
        "materials": MaterialsForm(initial={"recording_url": session.recording_url}),
        "import_form": AttendanceImportForm(),
        "report": None,
    }
    return render(request, "community/staff/session.html", {**context, **parts}, status=status)


@staff_only("community.manage_sessions")
@require_GET
def session(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_page(request, get_object_or_404(Session, pk=pk))


@staff_only("community.manage_sessions")
@require_POST
def attendance_save(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    ids = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
    count = services.attendance_mark(session=session, attended_ids=ids)
    messages.success(request, f"Attendance saved: {count} attended.")
    return redirect("community:staff_session", pk=pk)


@staff_only("community.manage_sessions")
@require_POST
def attendance_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the meeting's attendance report; the page shows what became of every row."""
    session = get_object_or_404(Session, pk=pk)
    form = AttendanceImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = services.attendance_import_csv(
                session=session, upload=form.cleaned_data["attendance_file"]
            )
        except services.RegistrationError as error:
            form.add_error("attendance_file", str(error))
        else:
            return _session_page(request, session, report=report)
    return _session_page(request, session, import_form=form)


@staff_only("community.manage_sessions")
@require_POST
def materials_save(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    form = MaterialsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.session_materials_update(
                session=session,
                recording_url=form.cleaned_data["recording_url"] or "",
                slides=form.cleaned_data["slides"],
            )
        except ValidationError as error:
            form.add_error("slides", error)
        else:
            messages.success(request, "Materials saved.")
            return redirect("community:staff_session", pk=pk)
    return _session_page(request, session, materials=form)


@staff_only("community.manage_sessions")
@require_POST
def followup_send(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    count = services.session_followup_send(session=session)
    messages.success(request, f"Follow-up queued for {count} people.")
    return redirect("community:staff_session", pk=pk)


@staff_only("community.manage_sessions")
@require_POST
def registration_cancel(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration, pk=registration_pk, session_id=pk)
    services.registration_cancel(registration=registration, by_staff=True)
    messages.success(request, f"Registration of {registration.email} cancelled.")
    return redirect("community:staff_session", pk=pk)


@staff_only("community.manage_sessions")
@require_GET
def session_registrations_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    session = get_object_or_404(Session, pk=pk)
    rows = (
        (
            r.full_name,
            r.email,
            r.jurisdiction_name,
            r.question,
            r.get_status_display(),
            {True: "yes", False: "no", None: ""}[r.attended],
            r.created_at.isoformat(),
        )
        for r in selectors.session_registrations(session=session).iterator()
    )
    return _csv_response(
        f"registrations-{session.pk}.csv",
        ["name", "email", "jurisdiction", "question", "status", "attended", "registered_at"],
        rows,
    )


@staff_only("community.manage_sessions")
@require_GET
def participation(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/staff/participation.html",
        {"rows": selectors.participation_by_jurisdiction()},
    )


@staff_only("community.manage_newsletter")
@require_GET
def subscribers(request: HttpRequest) -> HttpResponseBase:
    status = request.GET.get("status", "")
    if status and status not in Subscriber.Status.values:
        status = ""
    queryset = selectors.subscribers_for_staff(status=status)
    if request.GET.get("format") == "csv":
        rows = (
            (
                s.email,
                s.status,
                s.created_at.isoformat(),
                s.confirmed_at.isoformat() if s.confirmed_at else "",
                s.unsubscribed_at.isoformat() if s.unsubscribed_at else "",
            )
            for s in queryset.iterator()
        )
        return _csv_response(
            "subscribers.csv",
            ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"],
            rows,
        )
    return render(
        request,
        "community/staff/subscribers.html",
        {
            "page": Paginator(queryset, 100).get_page(request.GET.get("page")),
            "counts": selectors.subscriber_counts(),
            "status": status,
            "statuses": Subscriber.Status.choices,
        },
    )


@staff_only("community.manage_newsletter")
@require_GET
def issues(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/staff/issues.html",
        {
            "issues": NewsletterIssue.objects.order_by("-created_at")[:100],
            "counts": selectors.subscriber_counts(),
        },
    )


@staff_only("community.manage_newsletter")
@require_http_methods(["GET", "POST"])
def issue_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    issue = get_object_or_404(NewsletterIssue, pk=pk) if pk else None
    if issue and issue.status in (NewsletterIssue.Status.SENDING, NewsletterIssue.Status.SENT):
        messages.error(request, "This issue has already gone out and cannot be edited.")
        return redirect("community:staff_issue_detail", pk=issue.pk)
    form = IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        issue = form.save(commit=False)
        if issue.created_by_id is None:
            issue.created_by = request.user
        issue.save()
        return redirect("community:staff_issue_detail", pk=issue.pk)
    return render(request, "community/staff/issue_edit.html", {"form": form, "issue": issue})


def _issue_page(
    request: HttpRequest, issue: NewsletterIssue, *, status: int = 200, **parts: Any
) -> HttpResponse:
    context = {
        "issue": issue,
        "body_html": issue_html(issue),
        "schedule_form": ScheduleForm(),
        "counts": selectors.subscriber_counts(),
    }
    return render(request, "community/staff/issue_detail.html", {**context, **parts}, status=status)


def refusal_said(view: Callable) -> Callable:
    """A NewsletterError (sending twice, an empty issue...) becomes a message on the issue page."""

    @wraps(view)
    def wrapped(request: HttpRequest, pk: int) -> HttpResponse:
        try:
            return view(request, pk)
        except services.NewsletterError as error:
            messages.error(request, str(error))
            return redirect("community:staff_issue_detail", pk=pk)

    return wrapped


@staff_only("community.manage_newsletter")
@require_GET
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _issue_page(request, get_object_or_404(NewsletterIssue, pk=pk))


@staff_only("community.manage_newsletter")
@require_POST
@refusal_said
def issue_test(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(NewsletterIssue, pk=pk)
    services.issue_send_test(issue=issue, user=request.user)
    messages.success(request, f"A test copy is on its way to {request.user.email}.")
    return redirect("community:staff_issue_detail", pk=pk)


@staff_only("community.manage_newsletter")
@require_POST
@refusal_said
def issue_send(request: HttpRequest, pk: int) -> HttpResponse:
    services.issue_send_now(issue=get_object_or_404(NewsletterIssue, pk=pk))
    return redirect("community:staff_issue_progress", pk=pk)


@staff_only("community.manage_newsletter")
@require_POST
@refusal_said
def issue_confirm_late(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a scheduled issue whose time passed while it waited (staff confirm it is still news)."""
    services.issue_confirm_late(issue=get_object_or_404(NewsletterIssue, pk=pk))
    return redirect("community:staff_issue_progress", pk=pk)


@staff_only("community.manage_newsletter")
@require_POST
@refusal_said
def issue_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(NewsletterIssue, pk=pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return _issue_page(request, issue, schedule_form=form)
    services.issue_schedule(issue=issue, when=form.cleaned_data["scheduled_for"])
    messages.success(request, "Scheduled.")
    return redirect("community:staff_issue_detail", pk=pk)


@staff_only("community.manage_newsletter")
@require_GET
def issue_progress(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(NewsletterIssue, pk=pk)
    return render(
        request,
        "community/staff/issue_progress.html",
        {"issue": issue, "progress": selectors.issue_progress(issue=issue)},
    )


@staff_only("community.manage_newsletter")
@require_GET
def issue_progress_json(request: HttpRequest, pk: int) -> JsonResponse:
    issue = get_object_or_404(NewsletterIssue, pk=pk)
    return JsonResponse(selectors.issue_progress(issue=issue))


@staff_only("community.manage_sessions")
@require_POST
def waitlist_promote(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    promoted = services.waitlist_promote(session=session)
    messages.success(request, f"{len(promoted)} promoted from the waitlist.")
    return redirect("community:staff_session", pk=pk)
