"""Reads for the call-data pages, always scoped to the person asking."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.dataset as pads
from django.conf import settings
from django.db.models import QuerySet

from calldata.engine.pipeline import read_parquet
from calldata.engine.scenario import COLUMNS, Calls
from calldata.engine.scenario_table import FILENAME as TABLE_FILENAME
from calldata.engine.scenario_table import ScenarioTable
from calldata.engine.taxonomy import Classifier, Rule
from calldata.models import (
    CallTypeMapping,
    Dataset,
    DecisionTree,
    DictionaryEntry,
    OutcomeRecord,
    Scenario,
)
from gpl_cohort.accounts.roles import scoped_to_jurisdiction
from jurisdictions.models import Jurisdiction


def _scoped(queryset: QuerySet, user: Any) -> QuerySet:
    return scoped_to_jurisdiction(queryset, user)


def jurisdictions_for_upload(user: Any) -> QuerySet[Jurisdiction]:
    return scoped_to_jurisdiction(Jurisdiction.objects.all(), user, field="pk")


def datasets_visible_to(user: Any) -> QuerySet[Dataset]:
    return _scoped(Dataset.objects.select_related("jurisdiction", "uploaded_by"), user).defer(
        "summary", "report", "preview"
    )


def dataset_visible_to(user: Any, pk: int) -> Dataset:
    return _scoped(Dataset.objects.select_related("jurisdiction"), user).get(pk=pk)


def scenarios_visible_to(user: Any) -> QuerySet[Scenario]:
    return _scoped(Scenario.objects.select_related("jurisdiction", "dataset"), user)


def trees_visible_to(user: Any) -> QuerySet[DecisionTree]:
    return _scoped(DecisionTree.objects.select_related("jurisdiction"), user)


def outcomes_visible_to(user: Any) -> QuerySet[OutcomeRecord]:
    return _scoped(OutcomeRecord.objects.select_related("jurisdiction"), user)


def latest_dataset(jurisdiction_id: int) -> Dataset | None:
    return (
        Dataset.objects.filter(jurisdiction_id=jurisdiction_id, status=Dataset.Status.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def category_mapping(jurisdiction_id: int) -> dict[str, str]:
    return dict(
        CallTypeMapping.objects.filter(jurisdiction_id=jurisdiction_id).values_list(
            "call_type", "category"
        )
    )


def classifier_for(jurisdiction_id: int | None) -> Classifier:
    entries = DictionaryEntry.objects.filter(jurisdiction_id=jurisdiction_id) | (
        DictionaryEntry.objects.filter(jurisdiction__isnull=True)
    )
    rules = [
        Rule(e.category, e.kind, e.pattern, e.note)
        for e in entries.order_by("-jurisdiction_id", "pk")
    ]
    return Classifier(rules)


def parquet_path(dataset: Dataset) -> Path:
    return Path(settings.MEDIA_ROOT) / dataset.parquet_dir


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
    frame = read_parquet(parquet_path(dataset), columns=[*COLUMNS, *flags, *extra])
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
    path = parquet_path(dataset) / TABLE_FILENAME
    if not path.exists():
        return None
    table = ScenarioTable.read(path)
    with _CACHE_LOCK:
        _TABLES[key] = table
        while len(_TABLES) > _CACHE_SIZE * 4:
            _TABLES.popitem(last=False)
    return table


def _remarks_match(dataset: Dataset) -> Any:
    """Which calls' remarks match a pattern, reading only the remarks column, in the order of
    the scenario table (both follow the Parquet dataset's order)."""

    def match(pattern: str) -> np.ndarray:
        dataset_ = pads.dataset(parquet_path(dataset), format="parquet", partitioning="hive")
        parts = []
        for batch in dataset_.to_batches(columns=["remarks"]):
            remarks = pc.utf8_upper(batch.column(0))
            hit = pc.fill_null(pc.match_substring_regex(remarks, pattern), False)
            parts.append(hit.to_numpy(zero_copy_only=False))
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
