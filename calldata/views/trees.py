"""The dispatcher's decision tree: the editor and a saved version with its volumes.

The editor is an outline of questions and answers drawn as a diagram. Each of its buttons
posts the outline to the URL of one action (redraw, start blank, change a node, save, save the
JSON); the page comes back with the result, or only the outline and its diagram when
tree_editor.js asks for them (header X-Tree-Editor: partial)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from calldata import charts, selectors, services
from calldata.forms import TreeEditorForm, TreeForm
from calldata.views._access import _jurisdiction, _require_use
from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from jurisdictions.models import Jurisdiction


def _editor_start(request: AuthenticatedHttpRequest, items: Any) -> Any:
    """The version the editor starts from: ?from=<id> (one of this jurisdiction's), else the
    latest; None for a jurisdiction without a tree yet."""
    wanted = request.GET.get("from", "")
    if wanted.isdigit():
        return items.filter(pk=int(wanted)).first() or items.first()
    return items.first()


def _editor_context(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> dict[str, Any]:
    """What every state of the editor shows: the versions, the one it starts from, the data."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    items = selectors.trees_visible_to(request.user).filter(jurisdiction=jurisdiction)
    dataset = selectors.latest_dataset(jurisdiction.pk)
    start = _editor_start(request, items)
    return {
        "jurisdiction": jurisdiction,
        "trees": items,
        "start": start,
        "from_query": f"?from={start.pk}" if start else "",
        "dataset": dataset,
        "flags": (dataset.summary or {}).get("flags", []) if dataset else [],
    }


def _editor_page(
    request: AuthenticatedHttpRequest, context: dict[str, Any], editor: TreeEditorForm, **extra: Any
) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {
        "form": TreeForm.for_version(context["start"]),
        "focus": "",
        "problem": "",
        **context,
        **extra,
        "editor": editor,
        "preview": charts.tree_preview(editor.tree(), context["dataset"]),
    }
    if request.headers.get("X-Tree-Editor") == "partial":
        return render(request, "calldata/_tree_editor.html", context, status=status)
    return render(request, "calldata/trees.html", context, status=status)


def _posted(request: AuthenticatedHttpRequest, context: dict[str, Any]) -> TreeEditorForm:
    return TreeEditorForm(request.POST, flags=context["flags"])


@login_required
@require_GET
def trees(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """The editor on the chosen version (?from=<id>), the latest, or a sample tree."""
    context = _editor_context(request, jurisdiction_id)
    editor = TreeEditorForm.for_version(context["start"], flags=context["flags"])
    return _editor_page(request, context, editor)


@login_required
@require_POST
def tree_redraw(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """Read the posted outline back and draw it again (unsaved)."""
    context = _editor_context(request, jurisdiction_id)
    return _editor_page(request, context, _posted(request, context).redrawn())


@login_required
@require_POST
def tree_blank(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    context = _editor_context(request, jurisdiction_id)
    return _editor_page(request, context, _posted(request, context).blank(), focus="root")


@login_required
@require_POST
def tree_change(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """One editing operation on a node of the posted outline ("swap:root.no"), unsaved."""
    context = _editor_context(request, jurisdiction_id)
    change = request.POST.get("change", "")
    if not change:
        raise BadRequest("Say which change to make to the tree.")
    editor, focus, problem = _posted(request, context).changed(change)
    return _editor_page(request, context, editor, focus=focus, problem=problem)


def _saved(
    request: AuthenticatedHttpRequest, jurisdiction: Jurisdiction, data: dict, nodes: dict
) -> Any:
    tree = services.tree_save(
        jurisdiction=jurisdiction,
        user=request.user,
        name=data["name"],
        nodes=nodes,
        note=data["note"],
    )
    messages.success(request, f"Saved {tree}.")
    return redirect("calldata:tree", pk=tree.pk)


@login_required
@require_POST
def tree_save(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """Save the outline as the next version of its tree."""
    context = _editor_context(request, jurisdiction_id)
    editor = _posted(request, context)
    if not editor.is_valid():
        return _editor_page(request, context, editor, status=400)
    return _saved(request, context["jurisdiction"], editor.cleaned_data, editor.tree())


@login_required
@require_POST
def tree_save_json(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """The advanced path: save a tree written as JSON as the next version."""
    context = _editor_context(request, jurisdiction_id)
    form = TreeForm(request.POST, prefix="json")
    if not form.is_valid():
        editor = TreeEditorForm.for_version(context["start"], flags=context["flags"])
        return _editor_page(request, context, editor, form=form, status=400)
    return _saved(request, context["jurisdiction"], form.cleaned_data, form.cleaned_data["nodes"])


@login_required
@require_GET
def tree_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_use(request)
    tree = get_object_or_404(selectors.trees_visible_to(request.user), pk=pk)
    dataset = selectors.latest_dataset(tree.jurisdiction_id)
    return render(
        request,
        "calldata/tree.html",
        {
            "tree": tree,
            "dataset": dataset,
            "versions": selectors.trees_visible_to(request.user).filter(
                jurisdiction_id=tree.jurisdiction_id, name=tree.name
            ),
            **charts.tree_volumes_page(tree.nodes, dataset),
        },
    )
