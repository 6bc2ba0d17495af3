"""The import's first pass: which incident ids occur on more than one row, in memory that does
not grow with the file.

The id column is read block by block (Arrow's streaming reader, that column only), cleaned as
normalise cleans ids, and spread over buckets on disk by a hash of each id, so that equal ids
land in the same bucket. Each bucket, a small part of the file's ids, is then read back and
sorted: equal neighbours are the repeated ids. The buckets are about FILE_BYTES_PER_BUCKET of
the file each, whatever its size.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from calldata.engine.normalise.columns import clean_arrow_ids
from calldata.engine.reading import SourceInfo, column_chunks

FILE_BYTES_PER_BUCKET = 32 * 1024 * 1024  # of the file: about 200,000 rows of a CAD export
MAX_BUCKETS = 512
# Arrow's streaming reader reads up to 32 blocks ahead of its consumer: 512 KB blocks keep
# that at 16 MB (2 MB blocks held 64 MB beside the main pass's own reader).
BLOCK_BYTES = 512 * 1024
FLUSH_BYTES = 1024 * 1024  # ids held before they are spread over the buckets (cache-sized)

_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multipliers that mix bits well
_MIX_HEAD = np.uint64(0xC2B2AE3D27D4EB4F)
_ZEROS = pa.scalar(b"\0" * 8, pa.binary())


class ImportCancelled(Exception):
    pass


def repeated_ids(
    info: SourceInfo,
    header: str,
    cancelled: Callable[[], bool],
    folder: Path | None = None,
) -> tuple[pa.Array, int]:
    """The incident ids that occur on more than one row, and how many rows carry them. The
    buckets go in `folder` (a temporary folder when not given), removed at the end."""
    if folder is None:
        with tempfile.TemporaryDirectory() as temporary:
            return repeated_ids(info, header, cancelled, Path(temporary))
    size = sum(part.path.stat().st_size for part in info.parts)
    buckets = _Buckets(folder, min(MAX_BUCKETS, max(1, -(-size // FILE_BYTES_PER_BUCKET))))
    try:
        for chunk in column_chunks(info, header, BLOCK_BYTES):
            if cancelled():
                raise ImportCancelled
            buckets.add(clean_arrow_ids(chunk.cast(pa.string())).drop_null())
        buckets.close()
        values, rows = [], 0
        for ids in buckets.read():
            if cancelled():
                raise ImportCancelled
            repeated, count = _repeated(ids)
            values.append(repeated)
            rows += count
        return pa.concat_arrays(values) if values else pa.array([], pa.string()), rows
    finally:
        buckets.close()
        shutil.rmtree(folder, ignore_errors=True)


def _repeated(ids: pa.Array) -> tuple[pa.Array, int]:
    """Sorted in C++: equal neighbours are the repeated ids, the only ones kept."""
    ordered = ids.take(pc.array_sort_indices(ids))
    same = pc.equal(ordered[1:], ordered[:-1])  # a row whose id is the previous row's
    values = pc.unique(ordered[1:].filter(same))
    # A run of k equal ids gives k - 1 matches with the previous row, plus its first row.
    return values, int(pc.sum(same).as_py() or 0) + len(values)


class _Buckets:
    """Ids spread over `count` Arrow IPC streams by their hash."""

    def __init__(self, folder: Path, count: int) -> None:
        self.folder = folder
        self.count = count
        self.pending: list[pa.Array] = []
        self.held = 0
        self.sinks: list[pa.NativeFile] = []
        self.writers: list[pa.ipc.RecordBatchStreamWriter] = []
        self.schema = pa.schema([pa.field("id", pa.string())])
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(count):
            self.sinks.append(pa.OSFile(str(self._path(number)), "wb"))
            self.writers.append(pa.ipc.new_stream(self.sinks[-1], self.schema))

    def _path(self, number: int) -> Path:
        return self.folder / f"ids-{number:03d}.arrows"

    def add(self, ids: pa.Array) -> None:
        self.pending.append(ids)
        self.held += ids.nbytes
        if self.held >= FLUSH_BYTES:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        ids = pa.concat_arrays(self.pending)
        self.pending, self.held = [], 0
        if self.count == 1:
            self.writers[0].write_batch(pa.record_batch([ids], schema=self.schema))
            return
        bucket = _hash(ids) % np.uint64(self.count)
        ids = ids.take(pa.array(np.argsort(bucket, kind="stable")))
        start = 0
        for number, rows in enumerate(np.bincount(bucket, minlength=self.count)):
            if rows:
                part = ids.slice(start, int(rows))
                self.writers[number].write_batch(pa.record_batch([part], schema=self.schema))
            start += int(rows)

    def close(self) -> None:
        if self.writers:
            self._flush()
        for writer in self.writers:
            writer.close()
        for sink in self.sinks:
            sink.close()
        self.writers, self.sinks = [], []

    def read(self) -> Iterator[pa.Array]:
        for number in range(self.count):
            with pa.OSFile(str(self._path(number)), "rb") as source:
                table = pa.ipc.open_stream(source).read_all()
            self._path(number).unlink()
            yield table.column("id").combine_chunks()


def _hash(ids: pa.Array) -> np.ndarray:
    """A hash of each (non-null) id from its first and last eight bytes and its length, in
    Arrow's kernels and numpy: equal ids always get equal hashes, which is all the buckets
    need; how evenly they spread only sets a bucket's size. A hash of every byte in numpy
    took ten times as long, the largest part of the first pass."""
    data = ids.cast(pa.binary())
    tail = _word(pc.binary_slice(pc.binary_join_element_wise(_ZEROS, data, b""), -8))
    head = _word(
        pc.binary_slice(pc.binary_join_element_wise(_ZEROS, pc.binary_slice(data, 0, 8), b""), -8)
    )
    length = pc.binary_length(data).to_numpy(zero_copy_only=False).astype(np.uint64)
    return ((tail * _MIX) ^ (head * _MIX_HEAD) ^ (length * _MIX)) * _MIX >> np.uint64(32)


def _word(eight_bytes: pa.Array) -> np.ndarray:
    """Strings of exactly eight bytes as unsigned 64-bit integers."""
    fixed = eight_bytes.cast(pa.binary(8))
    words = np.frombuffer(fixed.buffers()[1], dtype=np.uint64)
    return words[fixed.offset : fixed.offset + len(fixed)]
