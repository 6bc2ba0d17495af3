"""One import from a stored file to Parquet + summary + report, as pure functions.

The caller (the Celery task) gives callbacks for progress and cancellation; nothing here knows
about Django. Parquet is written into `out_dir`, which the caller creates empty in a temporary
place and moves into place only when the whole import succeeded.

The import streams: memory follows the size of a frame (32 MB of CSV), not of the file; what
grows with the file (the ids of the first pass, the set-aside rows, the scenario table) is kept
on disk in the work folder. Its stages run at once in threads of their own (see
calldata/README.md, "The import").

1. When the file has an incident id, a first pass beside the main one finds the ids that occur
   more than once (`first_pass`): it streams that one column, spreads the cleaned ids over
   buckets on disk by a hash, then sorts one bucket at a time. Frames normalised before it
   ends wait (three at most).
2. The main pass normalises frame by frame. Rows whose id is repeated are set aside on disk
   (Parquet, spread over buckets by a hash of the id so that each bucket fits in memory); the
   other rows are finished at once (durations, markers, local time), appended to one Parquet
   writer per month (hive layout `year_month=2024-03/part-0.parquet`), and added to the
   summary and the quality report as mergeable parts, and to the compact scenario table's
   spill file of their month (`scenario_file`).
3. Each bucket of set-aside rows is read back, its incidents merged by the rule in
   `normalise.DEDUP_RULE`, finished and written the same way. Rows set aside that turn out to
   be alone (their twin was a VOID or TEST record) pass through unchanged.
4. The scenario table is written (`_scenario.arrow`) from the spill files, month after month,
   and the median time on scene per call type, the one non-mergeable figure of the summary, is
   read back from it a few call types at a time.
"""

from __future__ import annotations

import ctypes
import shutil
import threading
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from calldata.engine.code_lists import ReadingRules
from calldata.engine.first_pass import ImportCancelled, repeated_ids
from calldata.engine.mapping import mapping_problems
from calldata.engine.normalise import Normaliser, combine_duplicates
from calldata.engine.normalise.columns import clean_arrow_ids, unify_categories
from calldata.engine.reading import (
    LINE_BASE,
    ReadError,
    SourceInfo,
    cut_off_message,
    file_line,
    find_lines,
    open_source,
    open_sources,
    prefetched,
    read_chunks,
)
from calldata.engine.scenario_file import ScenarioTableWriter
from calldata.engine.scenario_table import FILENAME
from calldata.engine.summary import SummaryParts

BUCKET_ROWS = 250_000  # set-aside rows merged at once
WAITING_BLOCKS = 3  # normalised blocks held while the first pass finishes

_malloc_trim: Callable[[int], int] | None
try:  # glibc's (Linux); other C libraries keep their own ways
    _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
except (OSError, AttributeError):
    _malloc_trim = None


def release_free_memory() -> None:
    """Hand the memory glibc keeps free in its arenas back to the system. The stages' threads
    each allocate numpy columns in an arena of their own and free them in another thread's:
    the free space kept grew with the length of an import (about 30 MB more at 4M rows than
    at 1M), though what was in use did not. Cheap next to normalising a frame."""
    if _malloc_trim is not None:
        _malloc_trim(0)


@dataclass
class ImportResult:
    report: dict
    summary: dict
    call_types: dict[str, int]  # distinct raw call type -> number of calls
    rows: int


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A block's table in the writer's schema (dictionary widths and all-blank columns vary
    from block to block)."""
    columns = []
    for field in schema:
        column = table.column(field.name)
        if column.type != field.type:
            if column.null_count == len(column):
                column = pa.nulls(len(column), field.type)
            else:
                try:
                    column = column.cast(field.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    values = (
                        column.cast(field.type.value_type)
                        if pa.types.is_dictionary(column.type)
                        else column
                    )
                    column = (
                        pc.dictionary_encode(values)
                        if pa.types.is_dictionary(field.type)
                        else values
                    )
                    column = column.cast(field.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


def _writer_schema(table: pa.Table) -> pa.Schema:
    fields = []
    for field in table.schema:
        kind = field.type
        if pa.types.is_dictionary(kind):
            values = kind.value_type
            if pa.types.is_null(values) or pa.types.is_large_string(values):
                values = pa.string()
            kind = pa.dictionary(pa.int32(), values)
        elif pa.types.is_null(kind) or pa.types.is_large_string(kind):
            kind = pa.string()
        fields.append(pa.field(field.name, kind))
    return pa.schema(fields, metadata=table.schema.metadata)


class PartitionWriter:
    """One Parquet writer per local month, so that reading a few months of a big city's year
    touches only those files; each block becomes a row group of each month it covers."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.schema: pa.Schema | None = None
        self.writers: dict[str, pq.ParquetWriter] = {}
        # Arrow encodes Parquet without the GIL: one block is written while the next is
        # normalised. At most one block waits, so memory stays bounded.
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pending: Future | None = None

    def write(self, df: pd.DataFrame) -> None:
        months = df["year_month"].astype("category")
        codes = months.cat.codes.to_numpy()
        rows = df.drop(columns="year_month")
        if len(codes) > 1 and (codes[1:] < codes[:-1]).any():
            # Months interleaved (a file not in time order): each month's rows together.
            rows = rows.iloc[np.argsort(codes, kind="stable")]
        table = pa.Table.from_pandas(rows, preserve_index=False)
        if self.schema is None:
            self.schema = _writer_schema(table)
        table = _conform(table, self.schema)
        counts = np.bincount(codes, minlength=len(months.cat.categories))
        labels = [str(label) for label in months.cat.categories]
        if self.pending is not None:
            self.pending.result()
        self.pending = self.pool.submit(self._write, table, labels, counts)

    def _write(self, table: pa.Table, labels: list[str], counts: np.ndarray) -> None:
        start = 0
        for label, count in zip(labels, counts, strict=True):
            if count:
                self._writer(label).write_table(table.slice(start, int(count)))
            start += int(count)

    def _writer(self, label: str) -> pq.ParquetWriter:
        if label not in self.writers:
            schema = self.schema
            if schema is None:  # write() sets it before the first table reaches here
                raise RuntimeError("a Parquet writer is asked for before any table")
            folder = self.out_dir / f"year_month={label}"
            folder.mkdir(parents=True, exist_ok=True)
            self.writers[label] = pq.ParquetWriter(
                folder / "part-0.parquet",
                schema,
                # zstd: a third of snappy's size for less CPU. Dictionary pages only for the
                # coded columns (trying them on ids, times and coordinates costs and fails);
                # statistics for the times a reader may filter on.
                compression="zstd",
                use_dictionary=[f.name for f in schema if pa.types.is_dictionary(f.type)],
                write_statistics=[
                    n for n in ("received_at", "local_date", "line") if n in schema.names
                ],
            )
        return self.writers[label]

    def close(self) -> None:
        try:
            if self.pending is not None:
                self.pending.result()
        finally:
            self.pending = None
            self.pool.shutdown()
            for writer in self.writers.values():
                writer.close()
            self.writers = {}


class SetAside:
    """Rows of repeated incident ids, kept on disk in buckets until every block is read."""

    def __init__(self, folder: Path, rows: int) -> None:
        self.folder = folder
        self.buckets = max(1, -(-rows // BUCKET_ROWS))
        self.blocks = 0

    def add(self, df: pd.DataFrame) -> None:
        if df.empty:
            return
        self.blocks += 1
        if self.buckets == 1:
            parts = {0: df}
        else:
            ids = df["incident_id"].astype("str").to_numpy(dtype=object)
            bucket = pd.util.hash_array(ids) % np.uint64(self.buckets)
            parts = {int(b): df.loc[bucket == b] for b in np.unique(bucket)}
        for number, part in parts.items():
            folder = self.folder / f"bucket-{number:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            table = pa.Table.from_pandas(part, preserve_index=False)
            pq.write_table(table, folder / f"block-{self.blocks:06d}.parquet", compression="none")

    def frames(self) -> Iterator[pd.DataFrame]:
        for folder in sorted(self.folder.glob("bucket-*")):
            frames = [pq.read_table(path).to_pandas() for path in sorted(folder.iterdir())]
            unify_categories(frames)
            yield pd.concat(frames, ignore_index=True).sort_values("line", ignore_index=True)
            shutil.rmtree(folder, ignore_errors=True)


def clean_ids(ids: pd.Series) -> pa.Array:
    """Incident ids as normalise cleans them (trimmed; missing tokens blank), in Arrow."""
    array = pa.array(ids.array, type=pa.string(), from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return clean_arrow_ids(array)


def read_parquet(
    directory: Path | str, columns: list[str] | None = None, filesystem: Any = None
) -> pd.DataFrame:
    """The calls of an import's Parquet folder; `filesystem` a pyarrow filesystem (an object
    store's) when `directory` is not a local path."""
    dataset = pads.dataset(directory, filesystem=filesystem, format="parquet", partitioning="hive")
    if columns is not None:
        columns = [c for c in columns if c in dataset.schema.names]
    return dataset.to_table(columns=columns).to_pandas()


def run_import(
    path: Path | list[Path],
    *,
    mapping: dict,
    tz: str,
    out_dir: Path,
    work_dir: Path,
    progress: Callable[[int, str], None] = lambda rows, phase: None,
    cancelled: Callable[[], bool] = lambda: False,
    frame_bytes: int | None = None,
    rules: ReadingRules | None = None,
    code_tables: dict[str, dict[str, str]] | None = None,
    names: list[str] | None = None,
) -> ImportResult:
    """`frame_bytes`: how much of the CSV is normalised at once (reading.chunks.CHUNK_BYTES
    when not given); progress is reported after each frame. `rules`: the jurisdiction's disposition
    codes and unknown values (code_lists.ReadingRules; the proposed ones when not given).
    `code_tables`: {kind: {code: description}} (engine/codes.py), read into the call type,
    disposition and beat columns. `path` may be a list: several imports read as one, `names`
    being how the person knows each file."""
    started = time.perf_counter()
    if isinstance(path, list):
        # Several imports analysed as one: read one after another, with the same columns;
        # an incident in several files is merged like any repeated incident id.
        info = open_sources(path, names or [p.name for p in path], work_dir=work_dir)
    else:
        info = open_source(path, work_dir=work_dir)
    problems = mapping_problems(mapping, info.headers)
    if problems:
        raise ReadError(" ".join(problems))
    normaliser = Normaliser(mapping, tz, rules, code_tables)
    progress(0, "reading")
    id_header = normaliser.fields.get("incident_id")
    # The first pass runs beside the main pass (Arrow parses without the GIL): blocks
    # normalised before the repeated ids are known wait, a few at most, in `waiting`. Only
    # this thread asks `cancelled` (it may read the database); the first pass sees `stop`.
    first_pass = ThreadPoolExecutor(max_workers=1)
    stop = threading.Event()
    ids_future: Future | None = None
    if id_header in info.headers:
        ids_future = first_pass.submit(
            repeated_ids, info, id_header, stop.is_set, work_dir / "first-pass"
        )
    first_pass.shutdown(wait=False)
    set_aside: SetAside | None = None
    repeated = pa.array([], pa.string())
    out_dir.mkdir(parents=True, exist_ok=True)
    writer = PartitionWriter(out_dir)
    summary = SummaryParts()
    table = ScenarioTableWriter(work_dir / "scenario")
    waiting: list[pd.DataFrame] = []
    known = ids_future is None
    blocks: Generator[pd.DataFrame, None, None] | None = None

    def finish_block(block: pd.DataFrame) -> None:
        if block.empty:
            return
        block = normaliser.complete(block, units=set_aside is not None)
        summary.add(block)
        table.add(block)
        writer.write(block)

    def route(block: pd.DataFrame) -> None:
        if set_aside is not None and "incident_id" in block:
            aside = pc.fill_null(
                pc.is_in(clean_ids(block["incident_id"]), value_set=repeated), False
            ).to_numpy(zero_copy_only=False)
            set_aside.add(block.loc[aside])
            block = block.loc[~aside]
        finish_block(block)

    def learn_repeated() -> None:
        nonlocal repeated, set_aside, known
        if ids_future is not None:  # always: the ids are unknown only while it runs
            repeated, repeated_rows = ids_future.result()
            if len(repeated):
                set_aside = SetAside(work_dir / "set-aside", repeated_rows)
        known = True
        for block in waiting:
            route(block)
        waiting.clear()

    try:
        # Three stages at once: Arrow parses frame n+2, `chunk` normalises frame n+1 (in a
        # thread of its own: it touches only the report's rejected and dropped rows and
        # the timestamp statistics) while this thread finishes frame n (`complete` keeps
        # the rest of the report).
        raw_frames = read_chunks(
            info,
            columns=normaliser.columns,
            coded=normaliser.coded_columns,
            chunk_bytes=frame_bytes,
        )
        blocks = prefetched(map(normaliser.chunk, raw_frames))
        for block in blocks:
            if cancelled():
                raise ImportCancelled
            if known:
                route(block)
            else:
                waiting.append(block)
                if ids_future is None or ids_future.done() or len(waiting) >= WAITING_BLOCKS:
                    learn_repeated()
            del block
            release_free_memory()
            progress(normaliser.rows_read, "reading")
        if not known:
            learn_repeated()
        if cancelled():
            raise ImportCancelled
        progress(normaliser.rows_read, "checking")
        duplicates = []
        if set_aside is not None:
            for frame in set_aside.frames():
                if cancelled():
                    raise ImportCancelled
                merged, duplicate_report = normaliser.merge_duplicates(frame)
                duplicates.append(duplicate_report)
                finish_block(merged)
                del frame, merged
                release_free_memory()
    finally:
        if blocks is not None:
            # A failed import stops its normalising thread, then its reading thread.
            blocks.close()
            raw_frames.close()
        if ids_future is not None and not ids_future.done():
            stop.set()
            wait([ids_future])  # a failed or cancelled import leaves no reader behind
        writer.close()
        table.close()
    report = normaliser.report(combine_duplicates(duplicates))
    _place_skipped_rows(info, report)
    if info.more:
        _name_files(report, info)
    if report["rows_kept"] == 0:
        reasons = "; ".join(
            f"{k}: {v['count']} (first lines "
            + ", ".join(
                f"{Path(e['file']).name} {e['line']}" if e.get("file") else str(e["line"])
                for e in v["examples"]
            )
            + (f"; e.g. “{v['examples'][0]['value']}”" if v["examples"][0]["value"] else "")
            + ")"
            for k, v in report["rejected"].items()
        )
        raise ReadError(
            f"No usable calls in the file ({normaliser.rows_read} rows read"
            + (f"; rejected — {reasons}" if reasons else "")
            + ")."
        )
    progress(normaliser.rows_read, "summarising")
    if cancelled():
        raise ImportCancelled
    table.write(out_dir / FILENAME)
    results = summary.result(table.medians())
    call_types = {row["call_type"]: row["count"] for row in results["by_call_type"]}
    for part in reversed(info.parts):
        if not part.cut_off:
            continue
        # Each file of several says its name: which export to ask for again.
        named = {"file": part.name} if info.more else {}
        message = cut_off_message(part.cut_off)
        if info.more:
            message = f"“{Path(part.name).name}”: {message}"
        report["warnings"].insert(
            0, {"kind": "cut_off", "message": message, **part.cut_off, **named}
        )
    report["source"] = info.describe()
    if info.more:
        report["files"] = results["files"] = [part.name for part in info.parts]
    report["mapping"] = mapping
    report["seconds"] = round(time.perf_counter() - started, 2)
    return ImportResult(
        report=report, summary=results, call_types=call_types, rows=normaliser.rows_read
    )


def _place_skipped_rows(info: SourceInfo, report: dict) -> None:
    """The line numbers of skipped rows Arrow read without one, found by their text (in the
    first file of several that holds it: the examples are the first rows skipped)."""
    examples = report["rejected"].get("wrong number of fields", {}).get("examples", [])
    unplaced = [e for e in examples if e["line"] is None]
    for index, part in enumerate(info.parts):
        if not unplaced:
            break
        lines = find_lines(part, [e["value"] for e in unplaced])
        for example in unplaced:
            line = lines.get(example["value"].rstrip("\r\n")[:120])
            if line is not None:
                example["line"] = index * LINE_BASE + line
        unplaced = [e for e in unplaced if e["line"] is None]
    examples.sort(key=lambda e: (e["line"] is None, e["line"] or 0))


def _name_files(report: dict, info: SourceInfo) -> None:
    """Line numbers of a source of several files as each file's own: every example in the
    report gets the name of its file beside its line."""
    for section in ("rejected", "dropped", "flagged", "unknown"):
        for issue in report[section].values():
            for example in issue["examples"]:
                if example["line"] is not None:
                    example["file"], example["line"] = file_line(info, example["line"])
    for example in report["duplicates"]["examples"]:
        places = [file_line(info, line) for line in example["lines"]]
        example["lines"] = [line for _, line in places]
        example["files"] = [name for name, _ in places]
