from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from coaching import selectors, services
from coaching.forms import CoachingLogForm, DeliverableForm, DocumentForm, ExportForm, WeekFormSet
from coaching.models import DeliverableDocument, week_start_of
from gpl_cohort.accounts.roles import roles_of
from gpl_cohort.forms import form_add_validation_error
from gpl_cohort.uploads import csv_safe, private_file_response
from jurisdictions.models import Jurisdiction


def _jurisdiction_or_404(request: HttpRequest) -> Jurisdiction:
    jurisdiction = selectors.coaching_jurisdiction_for(
        request.user, request.GET.get("jurisdiction") or request.POST.get("jurisdiction")
    )
    if jurisdiction is None:
        if roles_of(request.user).is_staff:
            raise BadRequest("Choose a jurisdiction.")
        raise PermissionDenied
    return jurisdiction


def _parse_day(value: str | None, default: dt.date) -> dt.date:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise BadRequest(f"“{value}” is not a date (use YYYY-MM-DD).") from error


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """A jurisdiction's coaching: commitments, the year's chart, months, recent entries."""
    roles = roles_of(request.user)
    if roles.is_staff and not request.GET.get("jurisdiction"):
        return redirect("coaching:staff_dashboard")
    jurisdiction = _jurisdiction_or_404(request)
    today = services.local_today(jurisdiction)
    period = selectors.cohort_year_of(jurisdiction, today=today)
    recent = selectors.logs_visible_to(request.user).filter(jurisdiction=jurisdiction)[:15]
    window = services.edit_window()
    return render(
        request,
        "coaching/overview.html",
        {
            "jurisdiction": jurisdiction,
            "today": today,
            "commitments": selectors.commitments_for(jurisdiction=jurisdiction, day=today),
            "months": selectors.month_totals(jurisdiction=jurisdiction, period=period),
            "chart": selectors.weekly_chart(jurisdiction_ids=[jurisdiction.pk], period=period),
            "recent": [
                (log, services.log_is_editable(log=log, user=request.user, window=window))
                for log in recent
            ],
            # This cohort year's: an earlier cohort's are on the deliverables page.
            "deliverables": selectors.deliverables_visible_to(request.user).filter(
                jurisdiction=jurisdiction, due_on__gte=period.start
            ),
            "export_form": ExportForm(initial={"start": period.start, "end": today}),
            "cohort_ended": selectors.cohort_ended_notice(jurisdiction, today=today),
            "query": _jurisdiction_query(request, jurisdiction),
        },
    )


def _jurisdiction_query(request: HttpRequest, jurisdiction: Jurisdiction) -> str:
    return f"jurisdiction={jurisdiction.pk}" if roles_of(request.user).is_staff else ""


@login_required
@require_http_methods(["GET", "POST"])
def week(request: HttpRequest) -> HttpResponse:
    """The week grid: one row per day, quick keyboard entry of a week of work."""
    if not request.user.has_perm("coaching.add_coachinglog"):
        raise PermissionDenied
    jurisdiction = _jurisdiction_or_404(request)
    today = services.local_today(jurisdiction)
    monday = week_start_of(_parse_day(request.GET.get("week"), today))
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    initial = [{"date": day} for day in days]
    if request.method == "POST":
        formset = WeekFormSet(request.POST, initial=initial)
        if formset.is_valid() and _save_week(request, jurisdiction, formset, days):
            commitments = selectors.commitments_for(jurisdiction=jurisdiction, day=monday)
            for message in commitments.messages:
                messages.warning(request, message)
            if ended := selectors.cohort_ended_notice(jurisdiction, today=today):
                messages.warning(request, ended)
            return redirect(_week_url(request, jurisdiction, monday))
    else:
        formset = WeekFormSet(initial=initial)
    return _week_page(request, jurisdiction, formset, days, today)


def _week_rows(
    request: HttpRequest,
    jurisdiction: Jurisdiction,
    formset: Any,
    days: list[dt.date],
    today: dt.date,
) -> list[tuple]:
    """One row per day: its form, its logs (each with whether this person may edit it), the
    day's entries and whether the day is still to come."""
    by_day = selectors.week_entries(request.user, jurisdiction=jurisdiction, days=days)
    window = services.edit_window()
    editable = {
        log.pk: services.log_is_editable(log=log, user=request.user, window=window)
        for logged in by_day.values()
        for log in logged.entries
    }
    return [
        (
            day,
            form,
            [(log, editable[log.pk]) for log in by_day[day].entries],
            by_day[day],
            day > today,
        )
        for day, form in zip(days, formset.forms, strict=True)
    ]


def _week_page(
    request: HttpRequest,
    jurisdiction: Jurisdiction,
    formset: Any,
    days: list[dt.date],
    today: dt.date,
) -> HttpResponse:
    monday = days[0]
    return render(
        request,
        "coaching/week.html",
        {
            "jurisdiction": jurisdiction,
            "formset": formset,
            "rows": _week_rows(request, jurisdiction, formset, days, today),
            "monday": monday,
            "previous": monday - dt.timedelta(weeks=1),
            "next": monday + dt.timedelta(weeks=1),
            "today": today,
            "commitments": selectors.commitments_for(
                jurisdiction=jurisdiction,
                day=selectors.week_commitments_day(monday, today=today),
            ),
            "cohort_ended": selectors.cohort_ended_notice(jurisdiction, today=today),
            "query": _jurisdiction_query(request, jurisdiction),
        },
    )


def _week_url(request: HttpRequest, jurisdiction: Jurisdiction, monday: dt.date) -> str:
    query = _jurisdiction_query(request, jurisdiction)
    return f"{reverse('coaching:week')}?week={monday.isoformat()}" + (f"&{query}" if query else "")


def _save_week(
    request: HttpRequest, jurisdiction: Jurisdiction, formset: Any, days: list[dt.date]
) -> bool:
    """Save the filled rows as one week; a refused row keeps every answer and says why."""
    filled = [
        (form, day) for form, day in zip(formset.forms, days, strict=True) if not form.is_blank
    ]
    entries = [
        services.WeekEntry(
            date=day, duration_minutes=form.cleaned_data["duration"],
            kind=form.cleaned_data["kind"], workstream=form.cleaned_data["workstream"],
            staff_member=form.cleaned_data.get("staff_member"),
            notes=form.cleaned_data.get("notes", ""),
            next_steps=form.cleaned_data.get("next_steps", ""),
        )
        for form, day in filled
    ]  # fmt: skip
    try:
        services.coaching_week_save(jurisdiction=jurisdiction, author=request.user, entries=entries)
    except services.WeekRowError as error:
        form_add_validation_error(filled[error.row][0], error.error)
        return False
    except ValidationError as error:
        form_add_validation_error(formset.forms[0], error)
        return False
    total = sum(entry.duration_minutes for entry in entries)
    messages.success(
        request,
        f"Saved {len(filled)} entr{'y' if len(filled) == 1 else 'ies'} ({total / 60:g} hours).",
    )
    return True


def _log_initial(log: Any) -> dict[str, Any]:
    return {
        "date": log.date,
        "duration": f"{log.hours:g}",
        "kind": log.kind,
        "workstream": log.workstream,
        "staff_member": log.staff_member_id,
        "notes": log.notes,
        "next_steps": log.next_steps,
    }


@login_required
@require_http_methods(["GET", "POST"])
def log_edit(request: HttpRequest, pk: int) -> HttpResponse:
    log = get_object_or_404(selectors.logs_visible_to(request.user), pk=pk)
    if not request.user.has_perm("coaching.change_coachinglog", log):
        return render(request, "coaching/locked.html", {"log": log}, status=403)
    form = CoachingLogForm(request.POST or None, initial=_log_initial(log))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.coaching_log_update(
                log=log,
                by=request.user,
                date=data["date"],
                duration_minutes=data["duration"],
                kind=data["kind"],
                workstream=data["workstream"],
                staff_member=data["staff_member"],
                notes=data["notes"],
                next_steps=data["next_steps"],
            )
        except ValidationError as error:
            form_add_validation_error(form, error)
        else:
            messages.success(request, "Entry updated.")
            for message in selectors.commitments_for(
                jurisdiction=log.jurisdiction, day=log.date
            ).messages:
                messages.warning(request, message)
            return redirect(_week_url(request, log.jurisdiction, week_start_of(log.date)))
    return render(request, "coaching/log_form.html", {"form": form, "log": log})


@login_required
@require_http_methods(["GET", "POST"])
def log_delete(request: HttpRequest, pk: int) -> HttpResponse:
    log = get_object_or_404(selectors.logs_visible_to(request.user), pk=pk)
    if not request.user.has_perm("coaching.delete_coachinglog", log):
        return render(request, "coaching/locked.html", {"log": log}, status=403)
    if request.method == "POST":
        url = _week_url(request, log.jurisdiction, week_start_of(log.date))
        services.coaching_log_delete(log=log, by=request.user)
        messages.success(request, "Entry deleted.")
        return redirect(url)
    return render(request, "coaching/log_delete.html", {"log": log})


@login_required
def logs(request: HttpRequest) -> HttpResponse:
    """Entries in a date range (staff: every jurisdiction, or one; a contact: their own)."""
    if not request.user.has_perm("coaching.export_coachinglog"):
        raise PermissionDenied
    qs, form = _logs_in_range(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coaching/logs.html",
        {"form": form, "page": page, "jurisdictions": _staff_jurisdiction_choices(request)},
    )


def _staff_jurisdiction_choices(request: HttpRequest) -> Any:
    if not roles_of(request.user).is_staff:
        return None
    return Jurisdiction.objects.filter(coaching_logs__isnull=False).distinct().order_by("name")


def _logs_in_range(request: HttpRequest) -> tuple[Any, ExportForm]:
    form = ExportForm(request.GET or None)
    qs = selectors.logs_visible_to(request.user).order_by("date", "jurisdiction__name", "pk")
    if request.GET:
        if not form.is_valid():
            raise BadRequest(" ".join(f"{e}" for errors in form.errors.values() for e in errors))
        qs = qs.filter(date__gte=form.cleaned_data["start"], date__lte=form.cleaned_data["end"])
    jurisdiction = request.GET.get("jurisdiction")
    if jurisdiction and roles_of(request.user).is_staff:
        if not jurisdiction.isdigit():
            raise BadRequest("Choose a jurisdiction from the list.")
        qs = qs.filter(jurisdiction_id=int(jurisdiction))
    return qs, form


class _Echo:
    def write(self, value: str) -> str:
        return value


EXPORT_HEADER = [
    "id", "jurisdiction", "date", "week_start", "hours", "kind", "workstream", "side", "author",
    "program_staff_member", "notes", "next_steps", "paired_with_entry", "counted_in_totals",
]  # fmt: skip


@login_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    if not request.user.has_perm("coaching.export_coachinglog"):
        raise PermissionDenied
    if not request.GET.get("start") or not request.GET.get("end"):
        raise BadRequest("Give a date range: ?start=YYYY-MM-DD&end=YYYY-MM-DD")
    qs, form = _logs_in_range(request)
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield "\ufeff" + writer.writerow(EXPORT_HEADER)
        for log in qs.iterator(chunk_size=2000):
            yield writer.writerow([
                log.pk, str(log.jurisdiction), log.date.isoformat(), log.week_start.isoformat(),
                f"{log.hours:g}", log.get_kind_display(), log.get_workstream_display(),
                log.get_side_display(), log.author.full_name or log.author.email,
                (log.staff_member.full_name if log.staff_member else ""),
                csv_safe(log.notes), csv_safe(log.next_steps), log.pairs_with_id or "",
                "no" if log.pairs_with_id else "yes",
            ])  # fmt: skip

    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coaching-logs-{start}-{end}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("coaching.view_staff_dashboard"):
        raise PermissionDenied
    from jurisdictions.selectors import cohorts_with_seats_pick

    try:
        cohorts, cohort = cohorts_with_seats_pick(
            request.GET.get("cohort"), today=timezone.localdate()
        )
    except LookupError as error:
        raise BadRequest(str(error)) from error
    context: dict[str, Any] = {"cohorts": cohorts, "cohort": cohort}
    if cohort is not None:
        context.update(selectors.staff_dashboard(cohort=cohort))
    return render(request, "coaching/staff_dashboard.html", context)


@login_required
def deliverables(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if not (roles.is_staff or roles.is_contact):
        raise PermissionDenied
    qs = selectors.deliverables_visible_to(request.user).prefetch_related("documents")
    jurisdiction = None
    if roles.is_staff and request.GET.get("jurisdiction", "").isdigit():
        jurisdiction = get_object_or_404(Jurisdiction, pk=int(request.GET["jurisdiction"]))
        qs = qs.filter(jurisdiction=jurisdiction)
    elif roles.is_contact and not roles.is_staff:
        jurisdiction = Jurisdiction.objects.get(pk=roles.jurisdiction_id)
    overdue_ids = {d.pk for d in selectors.overdue_deliverables(request.user)}
    return render(
        request,
        "coaching/deliverables.html",
        {
            "deliverables": qs.order_by("jurisdiction__name", "due_on"),
            "jurisdiction": jurisdiction,
            "overdue_ids": overdue_ids,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("coaching.add_deliverable"):
        raise PermissionDenied
    jurisdiction = selectors.coaching_jurisdiction_for(
        request.user, request.GET.get("jurisdiction")
    )
    if jurisdiction is None:
        raise BadRequest(
            "Choose the jurisdiction whose deliverable you add: open the deliverables page, pick"
            " the jurisdiction, then “Add a deliverable”."
        )
    form = DeliverableForm(request.POST or None, jurisdiction_id=jurisdiction.pk)
    if request.method == "POST" and form.is_valid():
        try:
            deliverable = services.deliverable_create(
                jurisdiction=jurisdiction,
                by=request.user,
                **{
                    k: form.cleaned_data[k]
                    for k in ("workstream", "title", "description", "due_on", "owner")
                },
            )
        except ValidationError as error:
            form_add_validation_error(form, error)
        else:
            messages.success(request, f"Added “{deliverable.title}”.")
            return redirect("coaching:deliverable", pk=deliverable.pk)
    return render(
        request, "coaching/deliverable_form.html", {"form": form, "jurisdiction": jurisdiction}
    )


@login_required
@require_POST
def deliverables_standard(request: HttpRequest) -> HttpResponse:
    """Add the standard deliverables (one set per jurisdiction, due a month apart)."""
    if not request.user.has_perm("coaching.add_deliverable"):
        raise PermissionDenied
    jurisdiction = selectors.coaching_jurisdiction_for(
        request.user, request.POST.get("jurisdiction")
    )
    if jurisdiction is None:
        raise BadRequest("Choose a jurisdiction.")
    try:
        first_due = dt.date.fromisoformat(request.POST.get("first_due", ""))
    except ValueError as error:
        raise BadRequest("Give the first due date as YYYY-MM-DD.") from error
    created = services.deliverables_add_standard(
        jurisdiction=jurisdiction, first_due=first_due, by=request.user
    )
    messages.success(request, f"Added {len(created)} standard deliverable(s).")
    url = reverse("coaching:deliverables")
    return redirect(
        url + (f"?jurisdiction={jurisdiction.pk}" if roles_of(request.user).is_staff else "")
    )


def _deliverable_for(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(
        selectors.deliverables_visible_to(request.user).prefetch_related("documents__uploaded_by"),
        pk=pk,
    )


def _deliverable_page(
    request: HttpRequest, deliverable: Any, *, status: int = 200, **forms: Any
) -> HttpResponse:
    context = {
        "deliverable": deliverable,
        "form": DeliverableForm(instance=deliverable, jurisdiction_id=deliverable.jurisdiction_id),
        "document_form": DocumentForm(),
        "can_change": request.user.has_perm("coaching.change_deliverable", deliverable),
    }
    return render(request, "coaching/deliverable_detail.html", {**context, **forms}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A deliverable and, for those who may change it, its edit form (posted here)."""
    deliverable = _deliverable_for(request, pk)
    if request.method == "GET":
        return _deliverable_page(request, deliverable)
    if not request.user.has_perm("coaching.change_deliverable", deliverable):
        raise PermissionDenied
    form = DeliverableForm(
        request.POST,
        instance=_scratch_copy(deliverable),
        jurisdiction_id=deliverable.jurisdiction_id,
    )
    if form.is_valid():
        try:
            services.deliverable_update(
                deliverable=deliverable,
                by=request.user,
                **{f: form.cleaned_data[f] for f in form.Meta.fields},
            )
        except ValidationError as error:
            form_add_validation_error(form, error)
        else:
            messages.success(request, "Deliverable updated.")
            return redirect("coaching:deliverable", pk=pk)
    return _deliverable_page(request, deliverable, form=form)


@login_required
@require_POST
def deliverable_attach(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = _deliverable_for(request, pk)
    if not request.user.has_perm("coaching.change_deliverable", deliverable):
        raise PermissionDenied
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.deliverable_document_add(
                deliverable=deliverable, upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            form_add_validation_error(form, error)
        else:
            messages.success(request, "Document attached.")
            return redirect("coaching:deliverable", pk=pk)
    return _deliverable_page(request, deliverable, document_form=form)


def _scratch_copy(deliverable: Any) -> Any:
    """A throwaway copy for the ModelForm to write into; the service does the real update."""
    from copy import copy

    return copy(deliverable)


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(
        DeliverableDocument.objects.select_related("deliverable"),
        pk=pk,
        deliverable__in=selectors.deliverables_visible_to(request.user),
    )
    if not request.user.has_perm("coaching.view_deliverabledocument", document):
        raise PermissionDenied
    return private_file_response(document.file, filename=document.file_name)
