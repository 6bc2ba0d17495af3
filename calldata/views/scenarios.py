"""Scenarios: what share of calls an alternative response could take, their CSV and brief."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calldata import selectors, services
from calldata.engine import scenario as scenario_engine
from calldata.engine.fields import CATEGORIES
from calldata.engine.presets import presets
from calldata.engine.summary import BLANK
from calldata.forms import PresetForm, ScenarioForm
from calldata.models import Dataset
from calldata.views._access import _jurisdiction, _require_use
from gpl_cohort.uploads import csv_safe
from jurisdictions.models import Jurisdiction


def _scenario_form_options(jurisdiction: Jurisdiction) -> tuple[Dataset | None, dict]:
    dataset = selectors.latest_dataset(jurisdiction.pk)
    summary = dataset.summary if dataset else {}
    reading = selectors.reading_settings_for(jurisdiction.pk)
    return dataset, {
        "call_types": [r["call_type"] for r in summary.get("by_call_type", [])],
        "flags": summary.get("flags", []),
        "beats": [b for b, _ in summary.get("by_beat", []) if b != BLANK],
        "most_urgent": (
            f"{reading.priority_most_urgent} = most urgent, "
            + ("higher" if reading.priority_order == "higher" else "lower")
            + " numbers more urgent"
            if reading.priority_asked
            else "1 = most urgent until the scale is set in the reading settings"
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def scenarios(request: HttpRequest, jurisdiction_id: int) -> HttpResponse:
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
    for item in items:
        services.scenario_results(scenario=item)
    return render(
        request,
        "calldata/scenarios.html",
        {
            "jurisdiction": jurisdiction,
            "scenarios": items,
            "preset_form": preset_form,
            "presets": presets().values(),
            "dataset": selectors.latest_dataset(jurisdiction.pk),
            "reading": selectors.reading_settings_for(jurisdiction.pk),
        },
        status=400 if request.method == "POST" else 200,
    )


def _scenario_page(request: HttpRequest, jurisdiction: Jurisdiction, scenario: Any) -> HttpResponse:
    dataset, options = _scenario_form_options(jurisdiction)
    initial = ScenarioForm.initial_from(
        scenario.criteria if scenario else scenario_engine.with_defaults({}),
        scenario.name if scenario else "New scenario",
    )
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
    results = services.scenario_results(scenario=scenario) if scenario else {}
    return render(
        request,
        "calldata/scenario.html",
        {
            "jurisdiction": jurisdiction,
            "scenario": scenario,
            "form": form,
            "dataset": dataset,
            "results": results,
            "preset": presets().get(scenario.preset) if scenario else None,
            "preview_url": reverse("calldata:scenario_preview", args=[jurisdiction.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def scenario_new(request: HttpRequest, jurisdiction_id: int) -> HttpResponse:
    return _scenario_page(request, _jurisdiction(request, jurisdiction_id), None)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_use(request)
    scenario = get_object_or_404(selectors.scenarios_visible_to(request.user), pk=pk)
    return _scenario_page(request, scenario.jurisdiction, scenario)


@login_required
@require_POST
def scenario_preview(request: HttpRequest, jurisdiction_id: int) -> JsonResponse:
    """Results of unsaved criteria, for the builder's instant update."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    dataset, options = _scenario_form_options(jurisdiction)
    if dataset is None:
        return JsonResponse(
            {"error": "No imported call data for this jurisdiction yet."}, status=409
        )
    form = ScenarioForm(request.POST, **options)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    results = scenario_engine.evaluate(selectors.calls_for(dataset), form.criteria())
    return JsonResponse(results)


@login_required
@require_GET
def scenarios_csv(request: HttpRequest, jurisdiction_id: int) -> HttpResponse:
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    items = list(selectors.scenarios_visible_to(request.user).filter(jurisdiction=jurisdiction))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scenarios-{jurisdiction.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
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
    )
    for item in items:
        r = services.scenario_results(scenario=item)
        if not r:
            continue
        writer.writerow(
            [
                csv_safe(item.name),
                item.preset,
                r["eligible_calls"],
                r["share"],
                r["per_year"],
                r["per_day"],
                r["unit_hours"]["police_per_year"],
                r["unit_hours"]["ems_per_year"],
                r["unit_hours"]["estimated"],
                r["staffing"]["peak_teams"],
                r["staffing"]["team_hours_per_week"],
                csv_safe(
                    "; ".join(f"{t['call_type']} ({t['count']})" for t in r["top_call_types"][:5])
                ),
            ]
        )
    return response


@login_required
@require_GET
def scenario_brief(request: HttpRequest, pk: int) -> HttpResponse:
    _require_use(request)
    scenario = get_object_or_404(selectors.scenarios_visible_to(request.user), pk=pk)
    results = services.scenario_results(scenario=scenario)
    return render(
        request,
        "calldata/brief.html",
        {
            "scenario": scenario,
            "results": results,
            "weeks": round(results.get("days", 0) / 7, 1),
            "categories": CATEGORIES,
            "preset": presets().get(scenario.preset),
        },
    )
