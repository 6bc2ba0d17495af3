"""The compact scenario table built on disk during the import, so that the import's memory does
not grow with the number of calls.

Each block's columns are appended to a spill file of its month (an Arrow IPC stream in the work
folder), as they come. At the end `_scenario.arrow` is written in the format
`ScenarioTable.write` gives (one record batch, which readers memory-map without a copy): Arrow
writes the file's frame (schema, batch header, footer) around columns of zeros that are never
held in memory, then each month's rows are read back batch by batch, their codes put into the
sorted dictionaries, and written in place, month after month. The median time on scene per call
type is then read from the file, a few call types at a time.
"""

from __future__ import annotations

import json
import mmap
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from calldata.engine.scenario_table import CODED, ScenarioTableBuilder, empty_table

SLICE_ROWS = 1 << 20  # rows read at once when the medians are taken from the file
MEDIAN_VALUES = 1 << 21  # times on scene sorted at once (several call types together)


class ScenarioTableWriter(ScenarioTableBuilder):
    """`add` a block of normalised calls at a time, then `write` the table and take `medians`."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.spills: dict[int, pa.ipc.RecordBatchStreamWriter] = {}
        self.sinks: dict[int, pa.NativeFile] = {}
        self.schema: pa.Schema | None = None
        self.rows = 0
        self.booleans: list[str] = []
        self.path: Path | None = None
        self.offsets: dict[str, int] = {}
        self.dictionary: list[str] = []
        self.known_minutes = np.zeros(0, dtype="int64")

    def add(self, df: pd.DataFrame) -> None:
        if len(df) == 0:
            return
        columns = self.block(df)
        months = columns.pop("_month")
        if self.schema is None:
            self.booleans = [name for name, values in columns.items() if values.dtype == bool]
        # Booleans as bytes, as the final file holds them.
        batch = pa.RecordBatch.from_pydict(
            {
                name: values.view("uint8") if values.dtype == bool else values
                for name, values in columns.items()
            }
        )
        if self.schema is None:
            self.schema = batch.schema
            self.folder.mkdir(parents=True, exist_ok=True)
        self.rows += len(df)
        present = np.unique(months)
        if len(present) == 1:
            self._spill(int(present[0]), batch)
            return
        order = np.argsort(months, kind="stable")
        batch = batch.take(pa.array(order))
        ends = np.searchsorted(months[order], present, side="right")
        start = 0
        for month, end in zip(present, ends, strict=True):
            self._spill(int(month), batch.slice(start, int(end) - start))
            start = int(end)

    def _spill(self, month: int, batch: pa.RecordBatch) -> None:
        if month not in self.spills:
            sink = pa.OSFile(str(self.folder / f"month-{month:04d}.arrows"), "wb")
            self.sinks[month] = sink
            self.spills[month] = pa.ipc.new_stream(sink, batch.schema)
        self.spills[month].write_batch(batch)

    def close(self) -> None:
        """Close the spill files (`write` does; a failed import calls it)."""
        for writer in self.spills.values():
            writer.close()
        for sink in self.sinks.values():
            sink.close()
        self.spills, self.sinks = {}, {}

    def write(self, path: Path) -> None:
        self.close()
        if self.schema is None:
            empty_table().write(path)
            self.path = path
            return
        dictionaries, lookups = self.dictionaries()
        schema = self._final_schema(dictionaries, lookups)
        self.offsets = _write_frame(path, schema, self.rows)
        self.path, self.dictionary = path, dictionaries["call_type"]
        known = np.zeros(len(self.dictionary), dtype="int64")
        written = 0
        with path.open("r+b") as out:
            for month in self.month_order():
                spill = self.folder / f"month-{month:04d}.arrows"
                with pa.OSFile(str(spill), "rb") as source:
                    for batch in pa.ipc.open_stream(source):
                        columns = {
                            name: batch.column(index).to_numpy()
                            for index, name in enumerate(batch.schema.names)
                        }
                        for name in CODED:
                            columns[name] = lookups[name][columns[name]]
                        for field in schema:
                            values = np.ascontiguousarray(columns[field.name])
                            offset = self.offsets[field.name] + written * values.itemsize
                            os.pwrite(out.fileno(), values.data, offset)
                        codes = columns["call_type"]
                        has = ~np.isnan(columns["time_on_task_min"]) & (codes >= 0)
                        known += np.bincount(codes[has], minlength=len(known))
                        written += len(batch)
                spill.unlink()
        shutil.rmtree(self.folder, ignore_errors=True)
        self.known_minutes = known

    def _final_schema(
        self, dictionaries: dict[str, list[str]], lookups: dict[str, np.ndarray]
    ) -> pa.Schema:
        if self.schema is None:
            raise RuntimeError("the scenario table's schema is asked for before any block")
        fields = [
            pa.field(name, pa.from_numpy_dtype(lookups[name].dtype))
            if name in lookups
            else self.schema.field(name)
            for name in self.schema.names
        ]
        metadata = {"dictionaries": dictionaries, "days": self.days(), "booleans": self.booleans}
        return pa.schema(fields, metadata={"cohort": json.dumps(metadata, ensure_ascii=False)})

    def medians(self) -> dict[str, float | None]:
        """The median time on scene of each call type, read from the written file: the call
        types are taken a few at a time, so that at most MEDIAN_VALUES times are held at once."""
        if not self.offsets or self.path is None:
            return {}
        medians: dict[str, float | None] = dict.fromkeys(self.dictionary)
        groups: list[list[int]] = [[]]
        held = 0
        for code in np.flatnonzero(self.known_minutes):
            count = int(self.known_minutes[code])
            if groups[-1] and held + count > MEDIAN_VALUES:
                groups.append([])
                held = 0
            groups[-1].append(int(code))
            held += count
        with self.path.open("rb") as source:
            for group in groups:
                if group:
                    medians |= self._group_medians(source.fileno(), group)
        return medians

    def _group_medians(self, fd: int, group: list[int]) -> dict[str, float | None]:
        width = np.dtype("int16") if len(self.dictionary) < 2**15 else np.dtype("int32")
        wanted = np.zeros(len(self.dictionary) + 1, dtype=bool)
        wanted[group] = True
        codes_parts, minutes_parts = [], []
        for start in range(0, self.rows, SLICE_ROWS):
            count = min(SLICE_ROWS, self.rows - start)
            codes = _read(fd, self.offsets["call_type"], width, start, count)
            minutes = _read(fd, self.offsets["time_on_task_min"], np.dtype("float32"), start, count)
            keep = wanted[codes] & ~np.isnan(minutes)
            codes_parts.append(codes[keep])
            minutes_parts.append(minutes[keep])
        return sorted_medians(
            np.concatenate(codes_parts), np.concatenate(minutes_parts), self.dictionary, group
        )


def _read(fd: int, base: int, dtype: np.dtype, start: int, count: int) -> np.ndarray:
    data = os.pread(fd, count * dtype.itemsize, base + start * dtype.itemsize)
    return np.frombuffer(data, dtype=dtype)


def _write_frame(path: Path, schema: pa.Schema, rows: int) -> dict[str, int]:
    """Write `path` as an Arrow IPC file of one record batch of `rows` rows whose columns are
    all zeros, and return where each column's values start in it. The zeros are read from an
    anonymous private mapping never written to, which the kernel backs by its one zero page:
    they take no memory."""
    widths = [field.type.bit_width // 8 for field in schema]
    size = max(widths) * rows
    zeros = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    try:
        buffer = pa.py_buffer(zeros)
        arrays = [
            pa.Array.from_buffers(field.type, rows, [None, buffer.slice(0, width * rows)])
            for field, width in zip(schema, widths, strict=True)
        ]
        batch = pa.RecordBatch.from_arrays(arrays, schema=schema)
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
            writer.write_batch(batch)
        del arrays, batch, buffer
    finally:
        zeros.close()
    source = pa.memory_map(str(path), "r")
    try:
        base = source.read_buffer(8).address
        written = pa.ipc.open_file(source).get_batch(0)
        offsets = {}
        for field, column, width in zip(schema, written.columns, widths, strict=True):
            values = column.buffers()[1]
            if values is None or values.size < width * rows:
                raise RuntimeError(f"the scenario table's column {field.name} was not laid out")
            offsets[field.name] = values.address - base
        del written
    finally:
        source.close()
    return offsets


def sorted_medians(
    codes: np.ndarray, minutes: np.ndarray, types: list[str], wanted: list[int] | None = None
) -> dict[str, float | None]:
    """The median of `minutes` for each call type code (all of `types`, or the `wanted`
    codes); `codes` and `minutes` without blanks, in any order."""
    codes = codes.astype("int64")
    if minutes.dtype == np.float32 and not np.signbit(minutes).any():
        # The bits of a non-negative float32 sort like its value: one sort of (code, bits) as
        # uint64 orders by call type then minutes, several times faster than a lexsort.
        keys = (codes.astype("uint64") << np.uint64(32)) | minutes.view("uint32").astype("uint64")
        keys.sort()
        codes = (keys >> np.uint64(32)).astype("int64")
        minutes = (keys & np.uint64(0xFFFFFFFF)).astype("uint32").view("float32")
    else:
        order = np.lexsort((minutes, codes))
        codes, minutes = codes[order], minutes[order]
    minutes = minutes.astype("float64")
    wanted = list(range(len(types))) if wanted is None else wanted
    starts = np.searchsorted(codes, wanted, side="left")
    ends = np.searchsorted(codes, wanted, side="right")
    medians: dict[str, float | None] = {}
    for code, start, end in zip(wanted, starts, ends, strict=True):
        if end > start:
            middle = (start + end - 1) / 2
            medians[types[code]] = float(
                (minutes[int(np.floor(middle))] + minutes[int(np.ceil(middle))]) / 2
            )
        else:
            medians[types[code]] = None
    return medians
