"""The cohort side by side: every member's calls read from Parquet in one pass.

Each member brings the Parquet folder of its newest analysis, its call-type categories and a
scenario's criteria on its own priority scale. The folders become one pyarrow dataset in which
the member is a partition column (`member`), so a single scan gives, per member: calls, the
first and last local day, calls per category, calls per hour of the week, and the calls a
scenario would take. Eligibility is the scenario engine's own rule (`eligible_mask`) applied
to each scanned batch seen as a scenario table, so the figures equal the scenario pages'.

The filesystem is pyarrow's (local by default), so the same scan reads object storage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from calldata.engine.scenario import Calls, eligible_mask, with_defaults
from calldata.engine.scenario_table import BOOLS, CODED, FLOATS, ScenarioTable

MEMBER = "member"
ELIGIBILITY = ("call_type", "beat", "initiated", "priority_level", *BOOLS)


@dataclass(frozen=True)
class Member:
    """`key` names the member in the results (a jurisdiction id); `path` is the folder of its
    Parquet dataset on the filesystem given to `figures`."""

    key: int
    path: str
    categories: dict[str, str]
    criteria: dict


@dataclass
class Figures:
    calls: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    by_category: dict[str, int] = field(default_factory=dict)
    hour_of_week: np.ndarray = field(default_factory=lambda: np.zeros(168, dtype="int64"))
    eligible: int = 0

    @property
    def days(self) -> int:
        if self.first_day is None or self.last_day is None:
            return 0
        return (self.last_day - self.first_day).days + 1

    @property
    def eligible_share(self) -> float:
        return round(self.eligible / self.calls, 4) if self.calls else 0.0


def remarks_hits(remarks: pa.Array, pattern: str) -> np.ndarray:
    """Which rows' remarks match an (upper-case) pattern, as the scenario pages test them."""
    hit = pc.fill_null(pc.match_substring_regex(pc.utf8_upper(remarks), pattern), False)
    return hit.to_numpy(zero_copy_only=False)


def cohort_dataset(
    members: Iterable[Member], *, filesystem: pafs.FileSystem | None = None
) -> tuple[pads.Dataset, dict[int, set[str]]]:
    """One dataset of every member's month partitions, `member` a partition column, and the
    columns each member's own files have (in the union, a column another member has reads as
    blank for this one, which must not count as "this member has the column")."""
    filesystem = filesystem or pafs.LocalFileSystem()
    file_format = pads.ParquetFileFormat()
    fragments, own_columns, types = [], {}, {MEMBER: pa.int64()}
    for member in members:
        dataset = pads.dataset(
            member.path, format=file_format, partitioning="hive", filesystem=filesystem
        )
        for name, kind in zip(dataset.schema.names, dataset.schema.types, strict=True):
            # The first member's type wins; the scan casts the others' (an older import may
            # hold a column as plain strings that a newer one dictionary-codes).
            types.setdefault(name, kind)
        own_columns[member.key] = set(dataset.schema.names)
        tag = pc.field(MEMBER) == pc.scalar(member.key)
        for fragment in dataset.get_fragments():
            fragments.append(
                file_format.make_fragment(
                    fragment.path,
                    filesystem,
                    partition_expression=fragment.partition_expression & tag,
                )
            )
    schema = pa.schema(list(types.items()))
    return pads.FileSystemDataset(fragments, schema, file_format, filesystem), own_columns


def _coded(column: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Codes into a dictionary, -1 for blank: how the scenario table holds a coded column."""
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    codes = pc.fill_null(column.indices, -1).to_numpy(zero_copy_only=False).astype("int32")
    return codes, [str(label) for label in column.dictionary.to_pylist()]


def batch_table(batch: pa.RecordBatch, columns: set[str]) -> ScenarioTable:
    """A scanned batch as the scenario table the import would have built of those calls,
    with only `columns` (those read that the member's files have; the others blank)."""
    n = batch.num_rows
    arrays: dict[str, np.ndarray] = {}
    dictionaries: dict[str, list[str]] = {}
    for name in CODED:
        if name in columns:
            arrays[name], dictionaries[name] = _coded(batch.column(name))
        else:
            arrays[name], dictionaries[name] = np.full(n, -1, dtype="int32"), []
    arrays["how"] = batch.column("how").to_numpy(zero_copy_only=False).astype("int16")
    for name in BOOLS:
        arrays[name] = (
            pc.fill_null(batch.column(name), False).to_numpy(zero_copy_only=False).astype(bool)
            if name in columns
            else np.zeros(n, dtype=bool)
        )
    for name in FLOATS:
        arrays[name] = (
            pc.cast(batch.column(name), pa.float64())
            .to_numpy(zero_copy_only=False)
            .astype("float32")
            if name in columns
            else np.full(n, np.nan, dtype="float32")
        )
    for name in columns:
        if name.startswith("flag_"):
            arrays[name] = (
                pc.fill_null(batch.column(name), False).to_numpy(zero_copy_only=False).astype(bool)
            )
    return ScenarioTable(arrays, dictionaries, 1)


def _needed(dataset: pads.Dataset, members: list[Member]) -> list[str]:
    # What eligible_mask reads (not the unit-hours and on-scene times the staffing model uses).
    wanted = {MEMBER, "call_type", "how", "local_date", *ELIGIBILITY}
    wanted |= {name for name in dataset.schema.names if name.startswith("flag_")}
    if any(with_defaults(m.criteria)["exclude_keywords"] for m in members):
        wanted.add("remarks")
    return [name for name in dataset.schema.names if name in wanted]


def _remarks(batch: pa.RecordBatch, columns: set[str]) -> Callable[[str], np.ndarray] | None:
    if "remarks" not in columns or "remarks" not in batch.schema.names:
        return None
    return lambda pattern: remarks_hits(batch.column("remarks"), pattern)


def _day(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[return-value]


def _add(figures: Figures, member: Member, batch: pa.RecordBatch, columns: set[str]) -> None:
    columns = columns & set(batch.schema.names)
    table = batch_table(batch, columns)
    figures.calls += batch.num_rows
    low, high = pc.min_max(batch.column("local_date")).values()
    if low.is_valid:
        first, last = _day(low.as_py()), _day(high.as_py())
        figures.first_day = first if figures.first_day is None else min(first, figures.first_day)
        figures.last_day = last if figures.last_day is None else max(last, figures.last_day)
    labels = table.dictionaries["call_type"]
    codes = table["call_type"]
    per_type = np.bincount(codes[codes >= 0], minlength=len(labels))
    for index in np.flatnonzero(per_type):
        category = member.categories.get(labels[index], "other")
        figures.by_category[category] = figures.by_category.get(category, 0) + int(per_type[index])
    figures.hour_of_week += np.bincount(table["how"].astype("int64"), minlength=168)[:168]
    calls = Calls(table=table, categories=member.categories, remarks_match=_remarks(batch, columns))
    figures.eligible += int(eligible_mask(calls, member.criteria).sum())


def figures(
    members: list[Member], *, filesystem: pafs.FileSystem | None = None
) -> dict[int, Figures]:
    """Per member key, its figures, from one scan of every member's Parquet."""
    results = {member.key: Figures() for member in members}
    if not members:
        return results
    by_key = {member.key: member for member in members}
    dataset, own_columns = cohort_dataset(members, filesystem=filesystem)
    for batch in dataset.to_batches(columns=_needed(dataset, members)):
        if not batch.num_rows:
            continue
        keys = batch.column(MEMBER)
        # A batch comes from one file, so from one member; split it should that ever change.
        found = pc.unique(keys).to_pylist()
        for key in found:
            part = batch if len(found) == 1 else batch.filter(pc.equal(keys, key))
            _add(results[key], by_key[key], part, own_columns[key])
    return results
