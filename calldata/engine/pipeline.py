"""One import from a stored file to Parquet + summary + report, as pure functions.

The caller (the Celery task) gives callbacks for progress and cancellation; nothing here knows
about Django. Parquet is written into `out_dir`, which the caller creates empty in a temporary
place and moves into place only when the whole import succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

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
    """One Parquet file per local month (hive layout `year_month=2024-03/`), so that reading a
    few months of a big city's year touches only those files."""
    months = df["year_month"].astype("category")
    order = np.argsort(months.cat.codes.to_numpy(), kind="stable")
    ordered = df.drop(columns="year_month").iloc[order]
    table = pa.Table.from_pandas(ordered, preserve_index=False)
    counts = np.bincount(months.cat.codes.to_numpy(), minlength=len(months.cat.categories))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])

    def write(label: str, start: int, count: int) -> None:
        folder = out_dir / f"year_month={label}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            table.slice(start, count), folder / "part-0.parquet", row_group_size=256 * 1024
        )

    # Arrow releases the GIL while encoding, so two months are written at once.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [
            pool.submit(write, label, int(start), int(count))
            for label, start, count in zip(months.cat.categories, starts, counts, strict=True)
            if count
        ]:
            future.result()


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
        reasons = "; ".join(
            f"{k}: {v['count']} (first lines "
            + ", ".join(str(e["line"]) for e in v["examples"])
            + (f"; e.g. “{v['examples'][0]['value']}”" if v["examples"][0]["value"] else "")
            + ")"
            for k, v in report["rejected"].items()
        )
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
