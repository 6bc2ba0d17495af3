"""One import from a stored file to Parquet + summary + report, as pure functions.

The caller (the Celery task) gives callbacks for progress and cancellation; nothing here knows
about Django. Parquet is written into `out_dir`, which the caller creates empty in a temporary
place and moves into place only when the whole import succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads

from calldata.engine.mapping import mapping_problems
from calldata.engine.normalise import Normaliser
from calldata.engine.reading import ReadError, open_source, read_chunks
from calldata.engine.summary import summarise


class ImportCancelled(Exception):
    pass


@dataclass
class ImportResult:
    report: dict
    summary: dict
    call_types: dict[str, int]  # distinct raw call type -> number of calls
    rows: int


def write_parquet(df: pd.DataFrame, out_dir: Path) -> None:
    table = pa.Table.from_pandas(df, preserve_index=False)
    index = table.schema.get_field_index("year_month")
    table = table.set_column(index, "year_month", table["year_month"].cast(pa.string()))
    pads.write_dataset(
        table,
        out_dir,
        format="parquet",
        partitioning=pads.partitioning(pa.schema([("year_month", pa.string())]), flavor="hive"),
        existing_data_behavior="overwrite_or_ignore",
        max_rows_per_group=256 * 1024,
    )


def read_parquet(directory: Path, columns: list[str] | None = None) -> pd.DataFrame:
    dataset = pads.dataset(directory, format="parquet", partitioning="hive")
    if columns is not None:
        columns = [c for c in columns if c in dataset.schema.names]
    return dataset.to_table(columns=columns).to_pandas()


def run_import(
    path: Path,
    *,
    mapping: dict,
    tz: str,
    out_dir: Path,
    work_dir: Path,
    progress: Callable[[int, str], None] = lambda rows, phase: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> ImportResult:
    started = time.perf_counter()
    info = open_source(path, work_dir=work_dir)
    problems = mapping_problems(mapping, info.headers)
    if problems:
        raise ReadError(" ".join(problems))
    normaliser = Normaliser(mapping, tz)
    frames = []
    progress(0, "reading")
    for raw in read_chunks(info, columns=normaliser.columns):
        if cancelled():
            raise ImportCancelled
        frames.append(normaliser.chunk(raw))
        progress(normaliser.rows_read, "reading")
    if cancelled():
        raise ImportCancelled
    progress(normaliser.rows_read, "checking")
    df, report = normaliser.finish(frames)
    del frames
    if df.empty:
        reasons = "; ".join(f"{k}: {v['count']}" for k, v in report["rejected"].items())
        raise ReadError(
            f"No usable calls in the file ({normaliser.rows_read} rows read"
            + (f"; rejected — {reasons}" if reasons else "")
            + ")."
        )
    progress(normaliser.rows_read, "writing")
    if cancelled():
        raise ImportCancelled
    write_parquet(df, out_dir)
    progress(normaliser.rows_read, "summarising")
    summary = summarise(df)
    call_types = {str(k): int(v) for k, v in df["call_type"].value_counts().items() if v}
    report["source"] = info.describe()
    report["mapping"] = mapping
    report["seconds"] = round(time.perf_counter() - started, 2)
    return ImportResult(
        report=report, summary=summary, call_types=call_types, rows=normaliser.rows_read
    )
