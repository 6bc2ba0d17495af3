"""Pages of the call-data analysis. Access: program staff, and a jurisdiction's contact for
their own jurisdiction only (another jurisdiction's objects are a 404)."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calldata import dictionary, selectors, services
from calldata.engine import scenario as scenario_engine
from calldata.engine import tree as tree_engine
from calldata.engine.fields import CATEGORIES, FIELD_LABELS
from calldata.engine.mapping import clock_warning
from calldata.engine.presets import presets
from calldata.engine.summary import BLANK
from calldata.forms import (
    CodeTableForm,
    CombineForm,
    DictionaryEntryForm,
    MappingForm,
    OutcomeForm,
    OutcomeImportForm,
    PresetForm,
    ReadingSettingsForm,
    ScenarioForm,
    TaxonomyForm,
    TreeEditorForm,
    TreeForm,
    UploadForm,
)
from calldata.models import CallTypeMapping, CodeTable, Dataset, DictionaryEntry, Scenario
from calldata.outcomes import monthly_kpis
from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from gpl_cohort.uploads import csv_safe, private_file_response
from jurisdictions.models import Jurisdiction


def _require_use(request: HttpRequest) -> None:
    if not request.user.has_perm("calldata.use_calldata"):
        raise PermissionDenied


def _dataset(request: HttpRequest, pk: int) -> Dataset:
    _require_use(request)
    try:
        return selectors.dataset_visible_to(request.user, pk)
    except Dataset.DoesNotExist as error:
        raise Http404 from error


def _jurisdiction(request: HttpRequest, pk: int) -> Jurisdiction:
    _require_use(request)
    jurisdiction = get_object_or_404(Jurisdiction, pk=pk)
    if not request.user.has_perm("calldata.view_scenario", jurisdiction):
        raise Http404
    return jurisdiction


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
            "labels": FIELD_LABELS,
            "reading": selectors.reading_settings_for(dataset.jurisdiction_id),
            "code_tables": selectors.code_tables_visible_to(request.user).filter(
                jurisdiction_id=dataset.jurisdiction_id
            ),
            "clock_warning": clock_warning(dataset.mapping, dataset.headers, dataset.preview),
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
def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
def dataset_progress(request: HttpRequest, pk: int) -> JsonResponse:
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
def dataset_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    services.dataset_cancel(dataset=dataset)
    messages.info(request, "Cancelling the import.")
    return redirect("calldata:dataset", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_delete(request: HttpRequest, pk: int) -> HttpResponse:
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
def dataset_file(request: HttpRequest, pk: int) -> HttpResponseBase:
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
def volume(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if dataset.status != Dataset.Status.DONE:
        messages.info(request, "The volume pages appear once the import has finished.")
        return redirect("calldata:dataset", pk=pk)
    summary = dataset.summary
    by_category = selectors.volume_by_category(dataset)
    charts = {
        "per_month": summary["per_month"],
        "per_day": summary["per_day"],
        "by_call_type": [[r["call_type"], r["count"]] for r in summary["by_call_type"][:25]],
        "by_source": summary["by_source"],
        "by_initiated": summary["by_initiated"],
        "hour_of_week": summary["hour_of_week"],
        "by_priority": summary["by_priority"],
        "by_beat": [row for row in summary["by_beat"] if row[0] != BLANK][:25],
        "by_category": [[CATEGORIES[k], v] for k, v in by_category],
        "time_on_task": [
            [r["call_type"], r["time_on_task_median"], r["unit_hours"]]
            for r in summary["by_call_type"][:25]
            if r["time_on_task_median"] is not None or r["unit_hours"]
        ],
    }
    return render(
        request,
        "calldata/volume.html",
        {
            "dataset": dataset,
            "summary": summary,
            "charts": charts,
            "top_types": summary["by_call_type"][:40],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def taxonomy(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    mappings = list(CallTypeMapping.objects.filter(jurisdiction=jurisdiction))
    form = TaxonomyForm(request.POST or None, mappings=mappings)
    if request.method == "POST" and form.is_valid():
        count = services.taxonomy_confirm(
            jurisdiction_id=jurisdiction.pk, categories=form.categories(), user=request.user
        )
        messages.success(
            request,
            f"{count} call types confirmed. They will be reused for "
            "this jurisdiction's next upload.",
        )
        return redirect("calldata:taxonomy", jurisdiction_id=jurisdiction.pk)
    context = {
        "jurisdiction": jurisdiction,
        "form": form,
        "by_category": _calls_by_category(mappings),
        "dataset": selectors.latest_dataset(jurisdiction.pk),
        "code_tables": selectors.code_tables_visible_to(request.user).filter(
            jurisdiction=jurisdiction
        ),
    }
    return render(
        request,
        "calldata/taxonomy.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _calls_by_category(mappings: list[CallTypeMapping]) -> list[dict]:
    """Calls of the latest data per category, largest first, with their share."""
    totals: dict[str, int] = {}
    for mapping in mappings:
        totals[mapping.category] = totals.get(mapping.category, 0) + mapping.calls
    everything = sum(totals.values())
    return [
        {"category": CATEGORIES[key], "calls": calls, "percent": 100 * calls / everything}
        for key, calls in sorted(totals.items(), key=lambda kv: -kv[1])
        if calls
    ]


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
def scenarios(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
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


def _scenario_page(
    request: AuthenticatedHttpRequest, jurisdiction: Jurisdiction, scenario: Scenario | None
) -> HttpResponse:
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


def _editor_start(request: HttpRequest, items: Any) -> Any:
    """The version the editor starts from: ?from=<id> (one of this jurisdiction's), else the
    latest; None for a jurisdiction without a tree yet."""
    wanted = request.GET.get("from", "")
    if wanted.isdigit():
        return items.filter(pk=int(wanted)).first() or items.first()
    return items.first()


def _tree_editor_after_post(
    request: HttpRequest, op: str, flags: list[str]
) -> tuple[TreeEditorForm, str, str]:
    """Apply an editing operation (or just re-read the outline) and show the result unsaved.
    Returns the editor, the node to focus and a message for an operation that cannot apply."""
    posted = TreeEditorForm(request.POST, flags=flags)
    tree, focus, problem = posted.tree(), "", ""
    name, _, path = op.partition(":")
    if op == "blank":
        tree, focus = tree_engine.BLANK_TREE, "root"
    elif op not in ("", "refresh"):
        try:
            tree = tree_engine.operate(tree, op)
        except tree_engine.TreeError as error:
            problem = str(error)
        focus = path.rpartition(".")[0] if name == "up" else path
    initial = {"name": request.POST.get("name", ""), "note": request.POST.get("note", "")}
    return TreeEditorForm(tree=tree, flags=flags, initial=initial), focus, problem


@login_required
@require_http_methods(["GET", "POST"])
def trees(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """The decision tree editor: an outline of questions and answers drawn as a diagram.
    Buttons post an editing operation ("op") that re-renders the outline (in place when
    tree_editor.js is on); "save" makes a new version; the JSON form is the advanced path."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    items = selectors.trees_visible_to(request.user).filter(jurisdiction=jurisdiction)
    start = _editor_start(request, items)
    dataset = selectors.latest_dataset(jurisdiction.pk)
    flags = (dataset.summary or {}).get("flags", []) if dataset else []
    nodes = start.nodes if start else tree_engine.DEFAULT_TREE
    initial = {"name": start.name if start else "Dispatcher triage"}
    op = request.POST.get("op", "")
    json_form = TreeForm(
        request.POST if op == "save_json" else None,
        prefix="json",
        initial={**initial, "nodes": json.dumps(nodes, indent=2)},
    )
    editor = TreeEditorForm(tree=nodes, flags=flags, initial=initial)
    focus, problem, status = "", "", 200
    if op in ("save", "save_json"):
        form = TreeEditorForm(request.POST, flags=flags) if op == "save" else json_form
        if form.is_valid():
            data = form.cleaned_data
            tree = services.tree_save(
                jurisdiction=jurisdiction,
                user=request.user,
                name=data["name"],
                nodes=form.tree() if isinstance(form, TreeEditorForm) else data["nodes"],
                note=data["note"],
            )
            messages.success(request, f"Saved {tree}.")
            return redirect("calldata:tree", pk=tree.pk)
        if isinstance(form, TreeEditorForm):
            editor = form
        status = 400
    elif request.method == "POST":
        editor, focus, problem = _tree_editor_after_post(request, op, flags)
    context = {
        "jurisdiction": jurisdiction,
        "trees": items,
        "start": start,
        "editor": editor,
        "form": json_form,
        "focus": focus,
        "problem": problem,
        "preview": _tree_preview(editor, dataset),
        "dataset": dataset,
    }
    if request.headers.get("X-Tree-Editor") == "partial":
        return render(request, "calldata/_tree_editor.html", context, status=status)
    return render(request, "calldata/trees.html", context, status=status)


def _tree_preview(editor: TreeEditorForm, dataset: Dataset | None) -> str:
    """The diagram of the tree being edited, with volumes when it is complete and data exist."""
    tree = editor.tree()
    by_path: dict = {}
    if dataset is not None:
        try:
            tree_engine.validate(tree)
        except tree_engine.TreeError:
            pass  # the outline shows what is missing; the diagram is drawn without volumes
        else:
            volumes = selectors.tree_volumes(tree, dataset)
            by_path = {leaf["path"]: leaf for leaf in volumes["leaves"]}
    return _tree_html(tree, by_path, "root")


@login_required
@require_GET
def tree_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_use(request)
    tree = get_object_or_404(selectors.trees_visible_to(request.user), pk=pk)
    dataset = selectors.latest_dataset(tree.jurisdiction_id)
    volumes = {}
    if dataset is not None:
        volumes = selectors.tree_volumes(tree.nodes, dataset)
    by_path = {leaf["path"]: leaf for leaf in volumes.get("leaves", [])}
    leaves = [
        {**leaf, "trail": _trail(tree.nodes, leaf["path"])} for leaf in volumes.get("leaves", [])
    ]
    return render(
        request,
        "calldata/tree.html",
        {
            "tree": tree,
            "dataset": dataset,
            "volumes": volumes,
            "leaves": leaves,
            "diagram": _tree_html(tree.nodes, by_path, "root"),
            "versions": selectors.trees_visible_to(request.user).filter(
                jurisdiction_id=tree.jurisdiction_id, name=tree.name
            ),
            "outcomes": tree_engine.OUTCOMES,
        },
    )


def _trail(tree: dict, path: str) -> str:
    """The questions and answers that lead to a leaf, in words."""
    steps, node, words = path.split(".")[1:], tree, []
    for step in steps:
        words.append(f"{node['question']} {step.capitalize()}")
        node = node[step]
    return " → ".join(words)


def _tree_html(node: dict, by_path: dict, path: str) -> str:
    """The tree as nested lists, drawn as a diagram by calldata.css (escaped here)."""
    if "leaf" in node:
        leaf = by_path.get(path, {})
        label = node.get("label") or tree_engine.OUTCOMES[node["leaf"]]
        return format_html(
            '<div class="tree-leaf leaf-{}" data-path="{}"><strong>{}</strong>'
            '<span class="d-block small">{} calls · {}/day</span></div>',
            node["leaf"],
            path,
            label,
            leaf.get("count", "–"),
            leaf.get("per_day", "–"),
        )
    children = format_html_join(
        "",
        '<li><span class="tree-branch">{}</span>{}</li>',
        (
            (branch.capitalize(), _tree_html(node[branch], by_path, f"{path}.{branch}"))
            for branch in ("yes", "no")
        ),
    )
    return format_html(
        '<div class="tree-question" data-path="{}">{}<span class="d-block small tree-test">{}'
        "</span></div><ul>{}</ul>",
        path,
        node["question"] or "(question not written yet)",
        tree_engine.describe_test(node.get("test", {})),
        children,
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcomes(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    form = OutcomeForm(request.POST if "record" in request.POST else None)
    import_form = OutcomeImportForm(
        request.POST if "import" in request.POST else None, request.FILES or None
    )
    status = 200
    if request.method == "POST":
        if "record" in request.POST and form.is_valid():
            services.outcome_create(
                jurisdiction=jurisdiction, user=request.user, **form.cleaned_data
            )
            messages.success(request, "Call recorded.")
            return redirect("calldata:outcomes", jurisdiction_id=jurisdiction.pk)
        if "import" in request.POST and import_form.is_valid():
            try:
                count = services.outcomes_import_csv(
                    jurisdiction=jurisdiction,
                    user=request.user,
                    content=import_form.cleaned_data["file"].read(),
                )
            except ValidationError as error:
                import_form.add_error("file", error)
            else:
                messages.success(request, f"{count} calls imported.")
                return redirect("calldata:outcomes", jurisdiction_id=jurisdiction.pk)
        status = 400
    records = selectors.outcomes_visible_to(request.user).filter(jurisdiction=jurisdiction)
    return render(
        request,
        "calldata/outcomes.html",
        {
            "jurisdiction": jurisdiction,
            "form": form,
            "import_form": import_form,
            "kpis": monthly_kpis(records),
            "records": records[:30],
        },
        status=status,
    )


def _require_dictionary_staff(request: HttpRequest) -> None:
    if not request.user.has_perm("calldata.change_dictionaryentry"):
        raise PermissionDenied


def _dictionary_page(request: AuthenticatedHttpRequest, entry: DictionaryEntry) -> HttpResponse:
    """Add or change a rule: "Preview" shows what it would re-categorise, "Save" saves it."""
    form = DictionaryEntryForm(request.POST or None, instance=entry)
    preview, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            jurisdiction = form.preview_jurisdiction()
            if "save" in request.POST:
                changed = dictionary.dictionary_entry_save(entry=form.instance, user=request.user)
                messages.success(
                    request,
                    f"Rule “{form.instance.pattern}” saved; {changed} call types re-categorised.",
                )
                return redirect("calldata:dictionary")
            status = 200
            if jurisdiction is None:
                form.add_error("preview_on", "Choose the jurisdiction whose call types to preview.")
                status = 400
            else:
                preview = selectors.dictionary_preview(
                    entry=form.instance, jurisdiction_id=jurisdiction.pk
                )
                preview["jurisdiction"] = jurisdiction
    return render(
        request,
        "calldata/dictionary_entry.html",
        {"form": form, "entry": entry, "preview": preview, "categories": CATEGORIES},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dictionary_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Staff: the rules that extend the built-in call-type dictionary, and a new one."""
    _require_dictionary_staff(request)
    if request.method == "POST":
        return _dictionary_page(request, DictionaryEntry())
    return render(
        request,
        "calldata/dictionary.html",
        {
            "entries": selectors.dictionary_entries_visible_to(request.user),
            "form": DictionaryEntryForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dictionary_entry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_dictionary_staff(request)
    entry = get_object_or_404(selectors.dictionary_entries_visible_to(request.user), pk=pk)
    return _dictionary_page(request, entry)


@login_required
@require_POST
def dictionary_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_dictionary_staff(request)
    entry = get_object_or_404(selectors.dictionary_entries_visible_to(request.user), pk=pk)
    pattern = entry.pattern
    changed = dictionary.dictionary_entry_delete(entry=entry)
    messages.success(request, f"Rule “{pattern}” removed; {changed} call types re-categorised.")
    return redirect("calldata:dictionary")


def _code_table(request: HttpRequest, pk: int) -> CodeTable:
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
def code_table_detail(request: HttpRequest, pk: int) -> HttpResponse:
    table = _code_table(request, pk)
    table.refresh_from_db(fields=["entries"])
    return render(
        request,
        "calldata/code_table.html",
        {"table": table, "entries": sorted(table.entries.items())},
    )


@login_required
@require_POST
def code_table_delete(request: HttpRequest, pk: int) -> HttpResponse:
    table = _code_table(request, pk)
    if not request.user.has_perm("calldata.delete_codetable", table):
        raise PermissionDenied
    name = table.original_name
    services.code_table_delete(table=table)
    messages.success(
        request, f"Code table “{name}” removed; imported data is read again without it."
    )
    return redirect("calldata:code_tables")
