"""Reading a source as DataFrames of text, block by block (a CSV through Arrow's streaming
reader, parsed a frame ahead in a thread), or one column of it whole."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Generator, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from calldata.engine.reading.excel import xlsx_chunks
from calldata.engine.reading.prefetch import prefetched
from calldata.engine.reading.source import LINE_BASE, ReadError, SourceInfo

CHUNK_BYTES = 32 * 1024 * 1024  # rows handed to normalise at once
# Arrow's CSV reader reads up to 32 blocks ahead of the consumer: small blocks keep that
# readahead at 32 MB whatever the file's size (2 MB blocks held 64 MB, for no faster an
# import); they are grouped into CHUNK_BYTES frames.
READ_BLOCK_BYTES = 1024 * 1024


# Text columns stay in Arrow memory: pandas string operations then run in Arrow's C++ kernels.
_ARROW_STRINGS = {pa.string(): pd.StringDtype("pyarrow", na_value=float("nan"))}


_CODED = pa.dictionary(pa.int32(), pa.string())


def _csv_options(
    info: SourceInfo,
    columns: list[str] | None,
    block_size: int,
    bad_rows: list[int | str],
    coded: Collection[str] = (),
) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
    """How Arrow reads this file: every column as text, lines with the wrong number of fields
    skipped (their numbers kept in `bad_rows`). The `coded` columns (call types, priorities,
    beats: a few hundred distinct values in a million rows) come dictionary-encoded, which
    Arrow does in its reader threads, and reach pandas as categoricals."""
    read_options = pacsv.ReadOptions(
        encoding="utf8" if info.encoding.startswith("utf-8") else info.encoding,
        column_names=info.headers,
        skip_rows=1,
        block_size=min(block_size, CHUNK_BYTES),
    )

    def invalid(row: pacsv.InvalidRow) -> str:
        # Arrow does not always know the line (its streaming reader says None): the row's text
        # is kept instead and its line found afterwards (`find_lines`), never "line 0".
        bad_rows.append(row.number if row.number else row.text)
        return "skip"

    parse_options = pacsv.ParseOptions(
        delimiter=info.delimiter, newlines_in_values=info.quoted, invalid_row_handler=invalid
    )
    convert_options = pacsv.ConvertOptions(
        column_types={c: _CODED if c in coded else pa.string() for c in info.headers},
        include_columns=columns or info.headers,
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    return read_options, parse_options, convert_options


def _open_csv(
    info: SourceInfo,
    columns: list[str] | None,
    block_size: int,
    bad_rows: list[int | str],
    coded: Collection[str] = (),
) -> pacsv.CSVStreamingReader:
    read_options, parse_options, convert_options = _csv_options(
        info, columns, block_size, bad_rows, coded
    )
    return pacsv.open_csv(
        info.path,
        read_options=read_options,
        parse_options=parse_options,
        convert_options=convert_options,
    )


def column_chunks(
    info: SourceInfo, header: str, block_size: int = READ_BLOCK_BYTES
) -> Iterator[pa.Array]:
    """One column of every file the source holds, block by block, as Arrow strings (the first
    pass of the import). A CSV is read by Arrow's streaming reader keeping only this column, in
    less time and CPU than its multi-threaded reader of the whole file, holding a few blocks
    (`block_size` each), not the column. Should Arrow fail to parse the file, it is read frame
    by frame, which says near which row it fails, as the main pass does."""
    for part in info.parts:
        if part.kind == "csv":
            try:
                for batch in _open_csv(part, [header], block_size, []):
                    yield batch.column(0)
                continue
            except pa.ArrowInvalid as error:
                for _ in _read_part(part, [header], None, None, ()):
                    pass
                raise ReadError(f"The CSV file cannot be parsed: {error}") from error
        for frame in _read_part(part, [header], None, None, ()):
            array = pa.array(frame[header].array, type=pa.string(), from_pandas=True)
            yield from array.chunks if isinstance(array, pa.ChunkedArray) else [array]


def read_chunks(
    info: SourceInfo,
    *,
    columns: list[str] | None = None,
    block_size: int | None = None,
    chunk_bytes: int | None = None,
    coded: Collection[str] = (),
) -> Generator[pd.DataFrame, None, None]:
    """DataFrames of text (missing = NA; `coded` columns of a CSV as categoricals) with a
    `_line` column: the row's line in the file. A CSV is parsed one frame ahead in a thread
    of its own (Arrow's streaming reader parses when asked, without the GIL), so parsing the
    next frame overlaps normalising this one."""
    if not info.more:
        yield from _read_part(info, columns, block_size, chunk_bytes, coded)
        return
    for index, part in enumerate(info.parts):
        offset = index * LINE_BASE
        for frame in _read_part(part, columns, block_size, chunk_bytes, coded):
            frame["_line"] += offset
            # A skipped row Arrow gave no line keeps its text (pipeline places it afterwards).
            frame.attrs["bad_rows"] = [
                offset + bad if isinstance(bad, int) else bad for bad in frame.attrs["bad_rows"]
            ]
            yield frame


def _read_part(
    info: SourceInfo,
    columns: list[str] | None,
    block_size: int | None,
    chunk_bytes: int | None,
    coded: Collection[str],
) -> Iterator[pd.DataFrame]:
    if info.kind == "xlsx":
        yield from xlsx_chunks(info, columns)
        return
    yield from prefetched(
        _csv_chunks(info, columns, block_size or READ_BLOCK_BYTES, chunk_bytes, coded)
    )


def _csv_chunks(
    info: SourceInfo,
    columns: list[str] | None,
    block_size: int,
    chunk_bytes: int | None,
    coded: Collection[str],
) -> Iterator[pd.DataFrame]:
    bad_rows: list[int | str] = []
    line = 2
    try:
        reader = _open_csv(info, columns, block_size, bad_rows, coded)
        group: list[pa.RecordBatch] = []
        size = 0
        for batch in _with_end(reader):
            if batch is not None:
                group.append(batch)
                size += batch.nbytes
                if size < (chunk_bytes or CHUNK_BYTES):
                    continue
            if not group:
                break
            table = pa.Table.from_batches(group)
            group, size = [], 0
            frame = table.to_pandas(types_mapper=_ARROW_STRINGS.get)
            frame["_line"] = pd.RangeIndex(line, line + len(frame))
            line += len(frame)
            frame.attrs["bad_rows"] = list(bad_rows)
            line += len(bad_rows)  # the rows after a skipped line keep their line numbers
            bad_rows.clear()
            yield frame
    except pa.ArrowInvalid as error:
        name = f" “{info.name}”" if info.name else ""
        raise ReadError(
            f"The CSV file{name} cannot be parsed near data row {line - 1}: {error}"
        ) from error


def _with_end(reader: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch | None]:
    yield from reader
    yield None


def preview(info: SourceInfo, rows: int = 8) -> list[list[str]]:
    """The first rows of the file as text, for the mapping page."""
    if info.kind == "xlsx":
        out: list[list[str]] = []
        for chunk in xlsx_chunks(info, None):
            out = chunk.drop(columns="_line").head(rows).astype("str").to_numpy().tolist()
            break
        return out
    with info.path.open("rb") as handle:
        raw = handle.read(256 * 1024)
    text = raw.decode(
        "utf-8-sig" if info.encoding.startswith("utf-8") else info.encoding, errors="replace"
    )
    reader = csv.reader(io.StringIO(text), delimiter=info.delimiter)
    out = []
    for index, record in enumerate(reader):
        if index == 0 or not any(v.strip() for v in record):
            continue
        out.append((record + [""] * len(info.headers))[: len(info.headers)])
        if len(out) >= rows:
            break
    return out
