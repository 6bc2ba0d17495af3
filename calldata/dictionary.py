"""Writes for the staff extensions of the call-type dictionary (DictionaryEntry): saving or
removing a rule re-applies the dictionary to the raw call types it concerns at once, so the
taxonomy page and every scenario follow without waiting for the next upload. Categories a
jurisdiction confirmed are kept; only the suggestion next to them changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from calldata import selectors, services
from calldata.models import CallTypeMapping, DictionaryEntry, Scenario

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User


def _recategorise(jurisdiction_ids: set[int | None]) -> int:
    """Suggest again the category of each raw call type of these jurisdictions (None: all of
    them); returns how many unconfirmed call types took another category."""
    if None in jurisdiction_ids:
        jurisdiction_ids = set(
            selectors.jurisdictions_with_call_types().values_list("pk", flat=True)
        )
    changed_total = 0
    for jurisdiction_id in sorted(j for j in jurisdiction_ids if j is not None):
        classifier = selectors.classifier_for(jurisdiction_id)
        mappings = list(CallTypeMapping.objects.filter(jurisdiction_id=jurisdiction_id))
        changed = 0
        for mapping in mappings:
            category, reason = classifier.explain(mapping.call_type)
            mapping.suggested_category, mapping.reason = category, reason[:200]
            if not mapping.confirmed and mapping.category != category:
                mapping.category = category
                changed += 1
        CallTypeMapping.objects.bulk_update(mappings, ["suggested_category", "reason", "category"])
        if changed:
            Scenario.objects.filter(jurisdiction_id=jurisdiction_id).clear_results()
            services.scenarios_compute_later(jurisdiction_id=jurisdiction_id)
        changed_total += changed
    return changed_total


def dictionary_entry_save(*, entry: DictionaryEntry, user: User) -> int:
    """Create or change a rule (validated by its form); returns how many call types took
    another category."""
    with transaction.atomic():
        before = (
            DictionaryEntry.objects.filter(pk=entry.pk).values_list("jurisdiction_id", flat=True)
            if entry.pk
            else []
        )
        if entry.pk is None:
            entry.created_by = user
        entry.pattern = entry.pattern.strip()
        if entry.kind == DictionaryEntry.Kind.CODE:
            entry.pattern = " ".join(entry.pattern.upper().split())
        entry.save()
        return _recategorise({entry.jurisdiction_id, *before})


def dictionary_entry_delete(*, entry: DictionaryEntry) -> int:
    with transaction.atomic():
        jurisdiction_id = entry.jurisdiction_id
        entry.delete()
        return _recategorise({jurisdiction_id})
