"""Scenarios: what share of calls an alternative response could take, their CSV and brief.

The pages only read a scenario's stored results: the import task computes them, and a change
that clears them (taxonomy, reading settings, dictionary, a deleted dataset) queues their
computation. Until it has run, a page says the results are being computed."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calldata import selectors, services
from calldata.forms import PresetForm, ScenarioForm
from calldata.models import Dataset, Scenario
from calldata.views._access import _jurisdiction, _require_use
from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from gpl_cohort.uploads import csv_safe
from jurisdictions.models import Jurisdiction


def _results_pending(jurisdiction_id: int, items: list[Scenario], dataset: Dataset | None) -> bool:
    """True when some of the scenarios have no results yet although there is data to compute
    them on; their computation is queued (a GET never computes or writes them itself)."""
    pending = dataset is not None and any(not item.results for item in items)
    if pending:
        services.scenarios_compute_later(jurisdiction_id=jurisdiction_id)
    return pending


@login_required
@require_http_methods(["GET", "POST"])
def scenarios(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """The jurisdiction's scenarios side by side; POST starts one from a preset."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    preset_form = PresetForm(request.POST or None)
    if request.method == "POST":
        if preset_form.is_valid():
            scenario = services.scenario_from_preset(
                jurisdiction=jurisdiction, user=request.user, key=preset_form.cleaned_data["preset"]
            )
            return redirect("calldata:scenario", pk=scenario.pk)
        messages.error(request, "Choose one of the presets.")
    items = list(selectors.scenarios_visible_to(request.user).filter(jurisdiction=jurisdiction))
    dataset = selectors.latest_dataset(jurisdiction.pk)
    return render(
        request,
        "calldata/scenarios.html",
        {
            "jurisdiction": jurisdiction,
            "scenarios": items,
            "pending": _results_pending(jurisdiction.pk, items, dataset),
            "preset_form": preset_form,
            "presets": selectors.response_presets().values(),
            "dataset": dataset,
            "reading": selectors.reading_settings_for(jurisdiction.pk),
        },
        status=400 if request.method == "POST" else 200,
    )


def _scenario_page(
    request: AuthenticatedHttpRequest, jurisdiction: Jurisdiction, scenario: Any
) -> HttpResponse:
    dataset, options = selectors.scenario_form_options(jurisdiction.pk)
    initial = ScenarioForm.initial_for(scenario)
    form = ScenarioForm(request.POST or None, initial=initial, **options)
    if request.method == "POST" and form.is_valid():
        scenario = services.scenario_save(
            jurisdiction=jurisdiction,
            user=request.user,
            name=form.cleaned_data["name"],
            criteria=form.criteria(),
            preset=scenario.preset if scenario else "",
            scenario=scenario,
        )
        messages.success(request, f"Scenario “{scenario.name}” saved.")
        return redirect("calldata:scenario", pk=scenario.pk)
    items = [scenario] if scenario else []
    return render(
        request,
        "calldata/scenario.html",
        {
            "jurisdiction": jurisdiction,
            "scenario": scenario,
            "form": form,
            "dataset": dataset,
            "results": scenario.results if scenario else {},
            "pending": _results_pending(jurisdiction.pk, items, dataset),
            "preset": selectors.response_presets().get(scenario.preset) if scenario else None,
            "preview_url": reverse("calldata:scenario_preview", args=[jurisdiction.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def scenario_new(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    return _scenario_page(request, _jurisdiction(request, jurisdiction_id), None)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_use(request)
    scenario = get_object_or_404(selectors.scenarios_visible_to(request.user), pk=pk)
    return _scenario_page(request, scenario.jurisdiction, scenario)


@login_required
@require_POST
def scenario_preview(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> JsonResponse:
    """Results of unsaved criteria, for the builder's instant update."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    dataset, options = selectors.scenario_form_options(jurisdiction.pk)
    if dataset is None:
        return JsonResponse(
            {"error": "No imported call data for this jurisdiction yet."}, status=409
        )
    form = ScenarioForm(request.POST, **options)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return JsonResponse(selectors.scenario_evaluate(dataset, form.criteria()))


CSV_HEADER = [
    "scenario",
    "preset",
    "eligible calls",
    "share of all calls",
    "eligible per year",
    "eligible per day",
    "police unit-hours per year",
    "EMS unit-hours per year",
    "unit-hours estimated",
    "peak teams",
    "team-hours per week",
    "top call types",
]


def _csv_row(scenario: Scenario) -> list:
    r = scenario.results
    return [
        csv_safe(scenario.name),
        scenario.preset,
        r["eligible_calls"],
        r["share"],
        r["per_year"],
        r["per_day"],
        r["unit_hours"]["police_per_year"],
        r["unit_hours"]["ems_per_year"],
        r["unit_hours"]["estimated"],
        r["staffing"]["peak_teams"],
        r["staffing"]["team_hours_per_week"],
        csv_safe("; ".join(f"{t['call_type']} ({t['count']})" for t in r["top_call_types"][:5])),
    ]


@login_required
@require_GET
def scenarios_csv(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """The scenarios with results, one row each (one still being computed is left out)."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    items = list(selectors.scenarios_visible_to(request.user).filter(jurisdiction=jurisdiction))
    _results_pending(jurisdiction.pk, items, selectors.latest_dataset(jurisdiction.pk))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scenarios-{jurisdiction.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    writer.writerows(_csv_row(item) for item in items if item.results)
    return response


@login_required
@require_GET
def scenario_brief(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_use(request)
    scenario = get_object_or_404(selectors.scenarios_visible_to(request.user), pk=pk)
    dataset = selectors.latest_dataset(scenario.jurisdiction_id)
    results = scenario.results
    return render(
        request,
        "calldata/brief.html",
        {
            "scenario": scenario,
            "results": results,
            "pending": _results_pending(scenario.jurisdiction_id, [scenario], dataset),
            "weeks": round(results.get("days", 0) / 7, 1),
            "preset": selectors.response_presets().get(scenario.preset),
        },
    )
