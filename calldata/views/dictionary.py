"""The call-type taxonomy of a jurisdiction and the staff's dictionary rules that extend it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from calldata import dictionary, selectors, services
from calldata.engine.fields import CATEGORIES
from calldata.forms import DictionaryEntryForm, TaxonomyForm
from calldata.models import CallTypeMapping, DictionaryEntry
from calldata.views._access import _jurisdiction


@login_required
@require_http_methods(["GET", "POST"])
def taxonomy(request: HttpRequest, jurisdiction_id: int) -> HttpResponse:
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


def _require_dictionary_staff(request: HttpRequest) -> None:
    if not request.user.has_perm("calldata.change_dictionaryentry"):
        raise PermissionDenied


def _dictionary_page(request: HttpRequest, entry: DictionaryEntry) -> HttpResponse:
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
def dictionary_index(request: HttpRequest) -> HttpResponse:
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
def dictionary_entry(request: HttpRequest, pk: int) -> HttpResponse:
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
