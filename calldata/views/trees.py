"""The dispatcher's decision tree: the editor and a saved version with its volumes."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_http_methods

from calldata import selectors, services
from calldata.engine import tree as tree_engine
from calldata.forms import TreeEditorForm, TreeForm
from calldata.models import Dataset
from calldata.views._access import _jurisdiction, _require_use


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
def trees(request: HttpRequest, jurisdiction_id: int) -> HttpResponse:
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
                nodes=data["nodes"] if op == "save_json" else form.tree(),
                note=data["note"],
            )
            messages.success(request, f"Saved {tree}.")
            return redirect("calldata:tree", pk=tree.pk)
        if op == "save":
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
