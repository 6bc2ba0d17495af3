"""Uploads, their column mapping and reading settings, the import's progress and report, the
volume charts, combinations of imports, and the code tables that describe codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calldata import charts, selectors, services
from calldata.forms import CodeTableForm, CombineForm, MappingForm, ReadingSettingsForm, UploadForm
from calldata.models import CodeTable, Dataset
from calldata.views._access import _dataset, _jurisdiction, _require_use
from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from gpl_cohort.uploads import private_file_response


@login_required
@require_http_methods(["GET", "POST"])
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_use(request)
    jurisdictions = selectors.jurisdictions_for_upload(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.dataset_upload(
                user=request.user,
                jurisdiction=form.cleaned_data["jurisdiction"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if dataset.status == Dataset.Status.FAILED:
                messages.error(
                    request,
                    f"“{dataset.original_name}” cannot be imported: "
                    f"{dataset.error} The file is kept.",
                )
                return redirect("calldata:dataset", pk=dataset.pk)
            return redirect("calldata:mapping", pk=dataset.pk)
    datasets = selectors.datasets_visible_to(request.user)[:50]
    own = jurisdictions.first() if jurisdictions.count() == 1 else None
    return render(
        request,
        "calldata/index.html",
        {
            "form": form,
            "datasets": datasets,
            "own_jurisdiction": own,
            "jurisdictions": jurisdictions if own is None else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if not dataset.headers:
        messages.error(request, dataset.error or "This file could not be read.")
        return redirect("calldata:dataset", pk=pk)
    form = MappingForm(
        request.POST or None,
        headers=dataset.headers,
        mapping=dataset.mapping,
        time_zone=dataset.time_zone or dataset.jurisdiction.time_zone,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dataset_set_mapping(
                dataset=dataset,
                mapping=form.mapping(),
                user=request.user,
                time_zone=form.cleaned_data["time_zone"] or None,
                accept_clock_warning=form.cleaned_data["accept_clock_warning"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("calldata:dataset", pk=pk)
    return render(
        request,
        "calldata/mapping.html",
        {
            "dataset": dataset,
            "form": form,
            "reading": selectors.reading_settings_for(dataset.jurisdiction_id),
            "code_tables": selectors.code_tables_visible_to(request.user).filter(
                jurisdiction_id=dataset.jurisdiction_id
            ),
            "clock_warning": selectors.mapping_clock_warning(dataset),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reading(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    settings_ = selectors.reading_settings_for(jurisdiction.pk)
    form = ReadingSettingsForm(request.POST or None, instance=settings_)
    if request.method == "POST" and form.is_valid():
        services.reading_settings_save(
            jurisdiction=jurisdiction,
            user=request.user,
            values={name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        messages.success(
            request,
            "Reading settings saved. The priority scale applies to scenarios at once; the codes "
            "apply to the next import (import the file again to apply them to it).",
        )
        return redirect("calldata:reading", jurisdiction_id=jurisdiction.pk)
    return render(
        request,
        "calldata/reading.html",
        {
            "jurisdiction": jurisdiction,
            "form": form,
            "saved": settings_.pk is not None,
            "priorities": selectors.priority_profile(jurisdiction.pk),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def dataset_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    return render(
        request,
        "calldata/dataset.html",
        {
            "dataset": dataset,
            "report": dataset.report or {},
            "parts": dataset.parts.order_by("first_day", "pk") if dataset.is_combined else [],
        },
    )


@login_required
@require_GET
def dataset_progress(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    dataset = _dataset(request, pk)
    return JsonResponse(
        {
            "status": dataset.status,
            "status_label": dataset.status_text,
            "phase": dataset.phase,
            "progress": dataset.progress,
            "rows_read": dataset.rows_read,
            "error": dataset.error,
            "active": dataset.is_active,
        }
    )


@login_required
@require_POST
def dataset_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    services.dataset_cancel(dataset=dataset)
    messages.info(request, "Cancelling the import.")
    return redirect("calldata:dataset", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes the dataset with its files."""
    dataset = _dataset(request, pk)
    if not request.user.has_perm("calldata.delete_dataset", dataset):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.dataset_delete(dataset=dataset)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("calldata:dataset", pk=pk)
        messages.success(request, f"“{dataset.original_name}” was deleted with its files.")
        return redirect("calldata:index")
    return render(request, "calldata/dataset_delete.html", {"dataset": dataset})


@login_required
@require_GET
def dataset_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    dataset = _dataset(request, pk)
    if dataset.is_combined:
        raise Http404("A combination of imports has no file of its own.")
    return private_file_response(dataset.file, filename=dataset.original_name)


@login_required
@require_http_methods(["GET", "POST"])
def combine(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """Several imported files of a jurisdiction analysed as one."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    if not request.user.has_perm("calldata.add_dataset"):
        raise PermissionDenied
    choices = selectors.datasets_to_combine(request.user, jurisdiction)
    form = CombineForm(request.POST or None, datasets=choices)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.dataset_combine(
                user=request.user,
                jurisdiction=jurisdiction,
                datasets=list(form.cleaned_data["datasets"]),
            )
        except ValidationError as error:
            form.add_error("datasets", error)
        else:
            return redirect("calldata:dataset", pk=dataset.pk)
    return render(
        request,
        "calldata/combine.html",
        {"jurisdiction": jurisdiction, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def volume(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if dataset.status != Dataset.Status.DONE:
        messages.info(request, "The volume pages appear once the import has finished.")
        return redirect("calldata:dataset", pk=pk)
    return render(
        request,
        "calldata/volume.html",
        {
            "dataset": dataset,
            "summary": dataset.summary,
            "charts": charts.volume_charts(dataset),
            "top_types": dataset.summary["by_call_type"][:40],
        },
    )


def _code_table(request: AuthenticatedHttpRequest, pk: int) -> CodeTable:
    _require_use(request)
    return get_object_or_404(selectors.code_tables_visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def code_tables(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The code → description tables of the jurisdictions this person works for, and a new one."""
    _require_use(request)
    jurisdictions = selectors.jurisdictions_for_upload(request.user)
    form = CodeTableForm(request.POST or None, request.FILES or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = services.code_table_create(
                user=request.user,
                jurisdiction=form.cleaned_data["jurisdiction"],
                content=upload.read(),
                name=upload.name or "codes.csv",
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                f"“{table.original_name}” attached: {table.codes} "
                f"{table.get_kind_display().lower()} codes. Imported data is read again with it.",
            )
            return redirect("calldata:code_table", pk=table.pk)
    own = jurisdictions.first() if jurisdictions.count() == 1 else None
    return render(
        request,
        "calldata/code_tables.html",
        {
            "form": form,
            "tables": selectors.code_tables_visible_to(request.user),
            "own_jurisdiction": own,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def code_table_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    table = _code_table(request, pk)
    table.refresh_from_db(fields=["entries"])
    return render(
        request,
        "calldata/code_table.html",
        {"table": table, "entries": sorted(table.entries.items())},
    )


@login_required
@require_POST
def code_table_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    table = _code_table(request, pk)
    if not request.user.has_perm("calldata.delete_codetable", table):
        raise PermissionDenied
    name = table.original_name
    services.code_table_delete(table=table)
    messages.success(
        request, f"Code table “{name}” removed; imported data is read again without it."
    )
    return redirect("calldata:code_tables")
