"""Reads for the call-data pages, always scoped to the person asking."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow.dataset as pads
from django.db.models import F, Q, QuerySet
from pyarrow.fs import FileType

from calldata.engine import cohort as cohort_engine
from calldata.engine import scenario as scenario_engine
from calldata.engine import scenario_table as scenario_table_engine
from calldata.engine import tree as tree_engine
from calldata.engine.codes import split_label
from calldata.engine.mapping import clock_warning
from calldata.engine.pipeline import read_parquet
from calldata.engine.presets import on_scale, presets
from calldata.engine.scenario import COLUMNS, Calls
from calldata.engine.scenario_table import FILENAME as TABLE_FILENAME
from calldata.engine.scenario_table import ScenarioTable
from calldata.engine.summary import BLANK
from calldata.engine.taxonomy import Classifier, Rule
from calldata.models import (
    CallTypeMapping,
    CodeTable,
    Dataset,
    DecisionTree,
    DictionaryEntry,
    OutcomeRecord,
    ReadingSettings,
    Scenario,
)
from gpl_cohort import storage
from gpl_cohort.accounts.roles import scoped_to_jurisdiction
from jurisdictions.models import Jurisdiction

if TYPE_CHECKING:
    from gpl_cohort.accounts.roles import RequestUser


def _scoped(queryset: QuerySet, user: RequestUser) -> QuerySet:
    return scoped_to_jurisdiction(queryset, user)


def reading_settings_for(jurisdiction_id: int) -> ReadingSettings:
    """The jurisdiction's reading settings; the proposed ones (unsaved) until it saves its own."""
    found = ReadingSettings.objects.filter(jurisdiction_id=jurisdiction_id).first()
    return found or ReadingSettings(jurisdiction_id=jurisdiction_id)


def preset_criteria(jurisdiction_id: int, preset: dict) -> dict:
    """A preset's criteria on the jurisdiction's own priority scale."""
    reading = reading_settings_for(jurisdiction_id)
    return on_scale(
        preset["criteria"],
        most_urgent=reading.priority_most_urgent if reading.priority_asked else None,
        higher_is_urgent=reading.priority_order == ReadingSettings.PriorityOrder.HIGHER,
    )


def priority_profile(jurisdiction_id: int) -> list[dict]:
    """Priority levels of the jurisdiction's latest import, with their usual call types."""
    dataset = latest_dataset(jurisdiction_id)
    table = scenario_table(dataset) if dataset is not None else None
    return scenario_table_engine.priority_profile(table)[:12] if table is not None else []


def tree_volumes(nodes: dict, dataset: Dataset) -> dict:
    """Calls at each answer of a tree on a dataset, on its jurisdiction's priority scale."""
    calls = calls_for(dataset)
    reading = reading_settings_for(dataset.jurisdiction_id)
    return tree_engine.apply(
        nodes,
        calls.frame,
        calls.days,
        higher_is_urgent=reading.priority_order == ReadingSettings.PriorityOrder.HIGHER,
    )


def jurisdictions_for_upload(user: RequestUser) -> QuerySet[Jurisdiction]:
    return scoped_to_jurisdiction(Jurisdiction.objects.all(), user, field="pk")


def datasets_visible_to(user: RequestUser) -> QuerySet[Dataset]:
    return (
        _scoped(Dataset.objects.select_related("jurisdiction", "uploaded_by"), user)
        .prefetch_related("parts")
        .defer("summary", "report", "preview")
    )


def datasets_to_combine(user: RequestUser, jurisdiction: Jurisdiction) -> QuerySet[Dataset]:
    """The jurisdiction's imported files (not earlier combinations), oldest data first."""
    return (
        datasets_visible_to(user)
        .filter(jurisdiction=jurisdiction, status=Dataset.Status.DONE)
        .exclude(file="")
        .order_by("first_day", "created_at", "pk")
    )


def dataset_visible_to(user: RequestUser, pk: int) -> Dataset:
    return _scoped(Dataset.objects.select_related("jurisdiction"), user).get(pk=pk)


def scenarios_visible_to(user: RequestUser) -> QuerySet[Scenario]:
    return _scoped(Scenario.objects.select_related("jurisdiction", "dataset"), user)


def trees_visible_to(user: RequestUser) -> QuerySet[DecisionTree]:
    return _scoped(DecisionTree.objects.select_related("jurisdiction"), user)


def outcomes_visible_to(user: RequestUser) -> QuerySet[OutcomeRecord]:
    return _scoped(OutcomeRecord.objects.select_related("jurisdiction"), user)


def code_tables_visible_to(user: RequestUser) -> QuerySet[CodeTable]:
    return _scoped(
        CodeTable.objects.select_related("jurisdiction", "uploaded_by").defer("entries"), user
    )


def code_tables_for(jurisdiction_id: int) -> dict[str, dict[str, str]]:
    """{kind: {code: description}}: what an import of this jurisdiction reads its codes with."""
    return dict(
        CodeTable.objects.filter(jurisdiction_id=jurisdiction_id).values_list("kind", "entries")
    )


def latest_dataset(jurisdiction_id: int) -> Dataset | None:
    """The jurisdiction's analysis: its newest imported upload or combination of uploads (by
    when it was made, so that importing an older one again does not take its place)."""
    return (
        Dataset.objects.filter(jurisdiction_id=jurisdiction_id, status=Dataset.Status.DONE)
        .order_by("-created_at", "-pk")
        .first()
    )


def mapping_clock_warning(dataset: Dataset) -> str | None:
    """Why the mapped received time looks wrong on the file's first rows, if it does."""
    return clock_warning(dataset.mapping, dataset.headers, dataset.preview)


def response_presets() -> dict[str, dict]:
    """The published response models a scenario can start from, by key."""
    return presets()


def scenario_form_options(jurisdiction_id: int) -> tuple[Dataset | None, dict]:
    """The jurisdiction's latest data, and the choices its scenario builder offers from it."""
    dataset = latest_dataset(jurisdiction_id)
    summary = dataset.summary if dataset else {}
    reading = reading_settings_for(jurisdiction_id)
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


def scenario_evaluate(dataset: Dataset, criteria: dict) -> dict:
    """What a scenario's criteria select on a dataset (unsaved: the builder's preview)."""
    return scenario_engine.evaluate(calls_for(dataset), criteria)


def latest_datasets(jurisdiction_ids: list[int]) -> dict[int, Dataset]:
    """`latest_dataset` of several jurisdictions at once (without the stored JSON)."""
    found: dict[int, Dataset] = {}
    datasets = (
        Dataset.objects.filter(jurisdiction_id__in=jurisdiction_ids, status=Dataset.Status.DONE)
        .defer("summary", "report", "preview", "mapping")
        .order_by("-created_at", "-pk")
    )
    for dataset in datasets:
        found.setdefault(dataset.jurisdiction_id, dataset)
    return found


def category_mapping(jurisdiction_id: int) -> dict[str, str]:
    return dict(
        CallTypeMapping.objects.filter(jurisdiction_id=jurisdiction_id).values_list(
            "call_type", "category"
        )
    )


def _rule_order(entry: DictionaryEntry) -> tuple:
    # A jurisdiction's own rows before the program-wide ones; older rows first within each.
    return (entry.jurisdiction_id is None, entry.pk is None, entry.pk or 0)


def dictionary_entries_for(jurisdiction_id: int | None) -> list[DictionaryEntry]:
    """The staff rows that apply to a jurisdiction, in the order they are tried."""
    entries = DictionaryEntry.objects.filter(
        Q(jurisdiction_id=jurisdiction_id) | Q(jurisdiction__isnull=True)
    )
    return sorted(entries, key=_rule_order)


def classifier_for(
    jurisdiction_id: int | None, entries: list[DictionaryEntry] | None = None
) -> Classifier:
    if entries is None:
        entries = dictionary_entries_for(jurisdiction_id)
    return Classifier([Rule(e.category, e.kind, e.pattern, e.note) for e in entries])


def dictionary_entries_visible_to(user: RequestUser) -> QuerySet[DictionaryEntry]:
    """Staff extensions of the dictionary; only staff may list them (the view checks)."""
    return DictionaryEntry.objects.select_related("jurisdiction", "created_by").order_by(
        F("jurisdiction__name").asc(nulls_first=True), "pk"
    )


def jurisdictions_with_call_types() -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.filter(
        pk__in=CallTypeMapping.objects.values("jurisdiction_id")
    ).order_by("name")


PREVIEW_ROWS = 50


def dictionary_preview(*, entry: DictionaryEntry, jurisdiction_id: int) -> dict:
    """What saving `entry` (new or changed, not saved yet) would do to one jurisdiction's raw
    call types: which would take another category, how many calls that is, and how many of
    those the jurisdiction confirmed (they keep the category it chose)."""
    current = dictionary_entries_for(jurisdiction_id)
    candidate = [e for e in current if entry.pk is None or e.pk != entry.pk]
    if entry.jurisdiction_id in (None, jurisdiction_id):
        candidate = sorted([*candidate, entry], key=_rule_order)
    before, after = (
        classifier_for(jurisdiction_id, current),
        classifier_for(jurisdiction_id, candidate),
    )
    rule = Rule(entry.category, entry.kind, entry.pattern).compiled()
    mappings = CallTypeMapping.objects.filter(jurisdiction_id=jurisdiction_id).only(
        "call_type", "category", "confirmed", "calls"
    )
    changes: list[dict[str, Any]] = []
    matches = 0
    for mapping in mappings:
        # As the classifier reads a described code: a code rule on the code, a keyword on
        # the description or the code.
        code, description = split_label(mapping.call_type)
        texts = [code] if entry.kind == DictionaryEntry.Kind.CODE else [description, code]
        matches += any(rule.search(" ".join(t.upper().split())) for t in texts if t)
        old, new = before.explain(mapping.call_type)[0], after.explain(mapping.call_type)[0]
        if old != new:
            changes.append(
                {
                    "call_type": mapping.call_type,
                    "calls": mapping.calls,
                    "from": old,
                    "to": new,
                    "confirmed": mapping.confirmed,
                }
            )
    changes.sort(key=lambda c: -c["calls"])
    moved = [c for c in changes if not c["confirmed"]]
    return {
        "jurisdiction_id": jurisdiction_id,
        "call_types": len(mappings),
        "matches": matches,
        "changed_types": len(moved),
        "changed_calls": sum(c["calls"] for c in moved),
        "confirmed_kept": len(changes) - len(moved),
        "changes": changes[:PREVIEW_ROWS],
        "more": max(len(changes) - PREVIEW_ROWS, 0),
    }


def parquet_location(dataset: Dataset) -> tuple[Any, str]:
    """(pyarrow filesystem, path) of the dataset's Parquet folder, on disk or in the object
    store: what pyarrow.dataset and the engine's readers take."""
    return storage.arrow_location(dataset.parquet_dir)


# Normalised calls of recently used datasets, so a scenario recomputes without reading
# Parquet again. Keyed by (dataset id, finished_at): a re-import invalidates the entry.
_CACHE: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4


def calls_frame(dataset: Dataset) -> pd.DataFrame:
    key = (dataset.pk, dataset.finished_at)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    flags = [f"flag_{f}" for f in (dataset.summary or {}).get("flags", [])]
    extra = ["remarks"] if (dataset.summary or {}).get("has", {}).get("remarks") else []
    filesystem, path = parquet_location(dataset)
    frame = read_parquet(path, columns=[*COLUMNS, *flags, *extra], filesystem=filesystem)
    with _CACHE_LOCK:
        _CACHE[key] = frame
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return frame


_TABLES: OrderedDict[tuple, ScenarioTable] = OrderedDict()


def scenario_table(dataset: Dataset) -> ScenarioTable | None:
    """The dataset's compact scenario table, memory-mapped (None for datasets imported before
    the table existed: their scenarios read Parquet)."""
    key = (dataset.pk, dataset.finished_at)
    with _CACHE_LOCK:
        if key in _TABLES:
            _TABLES.move_to_end(key)
            return _TABLES[key]
    filesystem, folder = parquet_location(dataset)
    path = f"{folder}/{TABLE_FILENAME}"
    if filesystem.get_file_info(path).type == FileType.NotFound:
        return None
    # Memory-mapped on the local disk; read whole from an object store.
    table = ScenarioTable.read(filesystem.open_input_file(path))
    with _CACHE_LOCK:
        _TABLES[key] = table
        while len(_TABLES) > _CACHE_SIZE * 4:
            _TABLES.popitem(last=False)
    return table


def _remarks_match(dataset: Dataset) -> Any:
    """Which calls' remarks match a pattern, reading only the remarks column, in the order of
    the scenario table (both follow the Parquet dataset's order)."""

    def match(pattern: str) -> np.ndarray:
        filesystem, path = parquet_location(dataset)
        dataset_ = pads.dataset(path, filesystem=filesystem, format="parquet", partitioning="hive")
        parts = []
        for batch in dataset_.to_batches(columns=["remarks"]):
            parts.append(cohort_engine.remarks_hits(batch.column(0), pattern))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)

    return match


def calls_for(dataset: Dataset) -> Calls:
    categories = category_mapping(dataset.jurisdiction_id)
    table = scenario_table(dataset)
    if table is None:
        return Calls.from_frame(calls_frame(dataset), categories)
    has_remarks = (dataset.summary or {}).get("has", {}).get("remarks")
    return Calls(
        table=table,
        categories=categories,
        load_frame=lambda: calls_frame(dataset),
        remarks_match=_remarks_match(dataset) if has_remarks else None,
    )


def volume_by_category(dataset: Dataset) -> list[list]:
    mapping = category_mapping(dataset.jurisdiction_id)
    totals: dict[str, int] = {}
    for row in dataset.summary.get("by_call_type", []):
        category = mapping.get(row["call_type"], "other")
        totals[category] = totals.get(category, 0) + row["count"]
    return sorted(([k, v] for k, v in totals.items()), key=lambda kv: -kv[1])


def cohort_figures(datasets: list[Dataset], preset: dict) -> dict[int, cohort_engine.Figures]:
    """Per jurisdiction, the figures of the cohort comparison, read from every dataset's
    Parquet in one scan; eligibility under `preset`, on each jurisdiction's priority scale."""
    locations = [parquet_location(dataset) for dataset in datasets]
    members = [
        cohort_engine.Member(
            key=dataset.jurisdiction_id,
            path=path,
            categories=category_mapping(dataset.jurisdiction_id),
            criteria=preset_criteria(dataset.jurisdiction_id, preset),
        )
        for dataset, (_, path) in zip(datasets, locations, strict=True)
    ]
    # Every dataset lives in the one storage, so one filesystem reads them all.
    filesystem = locations[0][0] if locations else None
    return cohort_engine.figures(members, filesystem=filesystem)
