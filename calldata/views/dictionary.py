"""The call-type taxonomy of a jurisdiction and the staff's dictionary rules that extend it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from calldata import charts, dictionary, selectors, services
from calldata.forms import DictionaryEntryForm, TaxonomyForm
from calldata.models import CallTypeMapping, DictionaryEntry
from calldata.views._access import _jurisdiction
from gpl_cohort.accounts.http import AuthenticatedHttpRequest


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
        "by_category": charts.calls_by_category(mappings),
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


def _require_dictionary_staff(request: AuthenticatedHttpRequest) -> None:
    if not request.user.has_perm("calldata.change_dictionaryentry"):
        raise PermissionDenied


def _entry_page(
    request: AuthenticatedHttpRequest,
    form: DictionaryEntryForm,
    *,
    preview: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "calldata/dictionary_entry.html",
        {"form": form, "entry": form.instance, "preview": preview},
        status=status,
    )


def _entry(request: AuthenticatedHttpRequest, pk: int | None) -> DictionaryEntry:
    """The rule to change (a new one without pk), for staff only."""
    _require_dictionary_staff(request)
    if pk is None:
        return DictionaryEntry()
    return get_object_or_404(selectors.dictionary_entries_visible_to(request.user), pk=pk)


def _save(request: AuthenticatedHttpRequest, entry: DictionaryEntry) -> HttpResponse:
    form = DictionaryEntryForm(request.POST, instance=entry)
    if not form.is_valid():
        return _entry_page(request, form, status=400)
    changed = dictionary.dictionary_entry_save(entry=form.instance, user=request.user)
    messages.success(
        request, f"Rule “{form.instance.pattern}” saved; {changed} call types re-categorised."
    )
    return redirect("calldata:dictionary")


@login_required
@require_POST
def dictionary_preview(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """What a new or changed rule would re-categorise on one jurisdiction's call types
    (nothing is saved)."""
    form = DictionaryEntryForm(request.POST, instance=_entry(request, pk))
    if not form.is_valid():
        return _entry_page(request, form, status=400)
    jurisdiction = form.preview_jurisdiction()
    if jurisdiction is None:
        form.add_error("preview_on", "Choose the jurisdiction whose call types to preview.")
        return _entry_page(request, form, status=400)
    preview = selectors.dictionary_preview(entry=form.instance, jurisdiction_id=jurisdiction.pk)
    return _entry_page(request, form, preview={**preview, "jurisdiction": jurisdiction})


@login_required
@require_http_methods(["GET", "POST"])
def dictionary_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Staff: the rules that extend the built-in call-type dictionary, and a new one (POST
    saves it)."""
    if request.method == "POST":
        return _save(request, _entry(request, None))
    _require_dictionary_staff(request)
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
    """A rule and its form (POST saves the change)."""
    entry = _entry(request, pk)
    if request.method == "POST":
        return _save(request, entry)
    return _entry_page(request, DictionaryEntryForm(instance=entry))


@login_required
@require_POST
def dictionary_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_dictionary_staff(request)
    entry = get_object_or_404(selectors.dictionary_entries_visible_to(request.user), pk=pk)
    pattern = entry.pattern
    changed = dictionary.dictionary_entry_delete(entry=entry)
    messages.success(request, f"Rule “{pattern}” removed; {changed} call types re-categorised.")
    return redirect("calldata:dictionary")
