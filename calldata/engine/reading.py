"""Reading a CAD export: CSV (any delimiter, UTF-8 with or without BOM, Windows-1252), Excel
(.xlsx) or a .zip holding one of them, as chunks of text columns.

Everything is read as text; parsing numbers and dates is normalise's job, where failures can be
counted and reported row by row instead of failing the whole file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from calldata.engine.fields import header_key

CHUNK_BYTES = 32 * 1024 * 1024
XLSX_CHUNK_ROWS = 50_000
MAX_UNZIPPED_BYTES = 8 * 1024**3


# Text columns stay in Arrow memory: pandas string operations then run in Arrow's C++ kernels.
_ARROW_STRINGS = {pa.string(): pd.StringDtype("pyarrow", na_value=float("nan"))}


class ReadError(Exception):
    """A file we cannot read, with a message for the person who uploaded it."""


@dataclass
class SourceInfo:
    kind: str  # "csv" or "xlsx"
    path: Path  # the file to read (the extracted member for a .zip)
    headers: list[str]
    encoding: str = "utf-8"
    delimiter: str = ","
    member: str = ""  # name inside the .zip
    notes: list[str] = field(default_factory=list)

    def describe(self) -> dict:
        return {
            "kind": self.kind,
            "encoding": self.encoding,
            "delimiter": {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(
                self.delimiter, self.delimiter
            )
            if self.kind == "csv"
            else "",
            "member": self.member,
            "notes": self.notes,
        }


def sniff_kind(head: bytes) -> str | None:
    if not head:
        return None
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    text = head.decode("cp1252", errors="replace")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return "csv" if printable / max(len(text), 1) > 0.95 else None


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when every byte decodes as UTF-8, else Windows-1252."""
    with path.open("rb") as handle:
        start = handle.read(4)
        if start.startswith(codecs.BOM_UTF8):
            bom = "utf-8-sig"
        elif start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        else:
            bom = "utf-8"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := handle.read(8 * 1024 * 1024):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return bom


def _first_text(path: Path, encoding: str, size: int = 64 * 1024) -> str:
    with path.open("rb") as handle:
        raw = handle.read(size)
    return raw.decode(encoding, errors="ignore").lstrip("\ufeff")


def detect_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: lines[0].count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for index, raw in enumerate(headers):
        name = str(raw).replace("\ufeff", "").strip() or f"column_{index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        result.append(name)
    return result


def open_source(path: Path, *, work_dir: Path) -> SourceInfo:
    """Look at a stored file and say how to read it; ReadError with a clear message if not."""
    path = Path(path)
    if not path.exists():
        raise ReadError("The uploaded file is missing from storage.")
    if path.stat().st_size == 0:
        raise ReadError("The file is empty (0 bytes): there is nothing to import.")
    with path.open("rb") as handle:
        head = handle.read(8192)
    kind = sniff_kind(head)
    member = ""
    if kind == "zip":
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                    kind = "xlsx"
                else:
                    files = [
                        i
                        for i in archive.infolist()
                        if not i.is_dir()
                        and not Path(i.filename).name.startswith(".")
                        and "__MACOSX" not in i.filename
                    ]
                    if len(files) != 1:
                        raise ReadError(
                            f"The .zip file holds {len(files)} files; it must hold exactly one "
                            "CSV or Excel file."
                        )
                    info = files[0]
                    if info.file_size > MAX_UNZIPPED_BYTES:
                        raise ReadError("The file inside the .zip is larger than 8 GB.")
                    member = info.filename
                    work_dir.mkdir(parents=True, exist_ok=True)
                    target = work_dir / ("unzipped" + Path(member).suffix.lower()[:6])
                    with archive.open(info) as src, target.open("wb") as dst:
                        shutil.copyfileobj(src, dst, 4 * 1024 * 1024)
            if member:
                inner = open_source(target, work_dir=work_dir / "inner")
                inner.member = member
                return inner
        except zipfile.BadZipFile as error:
            raise ReadError("The file looks like a .zip archive but is damaged.") from error
    if kind is None:
        raise ReadError(
            "The file is not a CSV, Excel (.xlsx) or .zip file: its content is binary "
            "(for example a PDF, an image or an old .xls workbook renamed). Export the calls "
            "as CSV or .xlsx and upload that file."
        )
    if kind == "xlsx":
        headers = _xlsx_headers(path)
        return SourceInfo(kind="xlsx", path=path, headers=headers)
    encoding = detect_encoding(path)
    text = _first_text(path, encoding)
    if not text.strip():
        raise ReadError("The file holds only blank lines: there is nothing to import.")
    delimiter = detect_delimiter(text)
    first_line = next(line for line in text.splitlines() if line.strip())
    headers = _unique_headers(next(csv.reader([first_line], delimiter=delimiter)))
    notes = []
    if encoding == "cp1252":
        notes.append("The file is not UTF-8; it was read as Windows-1252.")
    if encoding == "utf-8-sig":
        notes.append("The file starts with a byte-order mark (BOM); it was ignored.")
    return SourceInfo(
        kind="csv",
        path=path,
        headers=headers,
        encoding=encoding,
        delimiter=delimiter,
        member=member,
        notes=notes,
    )


def _xlsx_headers(path: Path) -> list[str]:
    rows = _xlsx_rows(path)
    for row in rows:
        if any(v not in (None, "") for v in row):
            return _unique_headers([_cell_text(v) for v in row])
    raise ReadError("The Excel workbook's first sheet is empty.")


def _xlsx_rows(path: Path) -> Iterator[tuple]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise ReadError("The Excel workbook is damaged or password-protected.") from error
    try:
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_chunks(info: SourceInfo, *, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
    """DataFrames of text (missing = NA) with a `_line` column: the row's line in the file."""
    if info.kind == "xlsx":
        yield from _xlsx_chunks(info, columns)
        return
    wanted = columns or info.headers
    read_options = pacsv.ReadOptions(
        encoding="utf8" if info.encoding.startswith("utf-8") else info.encoding,
        column_names=info.headers,
        skip_rows=1,
        block_size=CHUNK_BYTES,
    )
    bad_rows: list[int] = []

    def invalid(row: pacsv.InvalidRow) -> str:
        bad_rows.append(row.number or 0)
        return "skip"

    parse_options = pacsv.ParseOptions(
        delimiter=info.delimiter, newlines_in_values=True, invalid_row_handler=invalid
    )
    convert_options = pacsv.ConvertOptions(
        column_types={c: pa.string() for c in info.headers},
        include_columns=wanted,
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    line = 2
    try:
        reader = pacsv.open_csv(
            info.path,
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
        for batch in reader:
            frame = batch.to_pandas(types_mapper=_ARROW_STRINGS.get)
            frame["_line"] = pd.RangeIndex(line, line + len(frame))
            line += len(frame)
            frame.attrs["bad_rows"] = list(bad_rows)
            bad_rows.clear()
            yield frame
    except pa.ArrowInvalid as error:
        raise ReadError(
            f"The CSV file cannot be parsed near data row {line - 1}: {error}"
        ) from error


def _xlsx_chunks(info: SourceInfo, columns: list[str] | None) -> Iterator[pd.DataFrame]:
    rows = _xlsx_rows(info.path)
    started = False
    buffer: list[list[str]] = []
    line = 0
    first_line = 0
    width = len(info.headers)
    for row in rows:
        line += 1
        if not started:
            if any(v not in (None, "") for v in row):
                started = True
                first_line = line + 1
            continue
        values = [_cell_text(v) for v in row[:width]]
        values += [""] * (width - len(values))
        buffer.append(values)
        if len(buffer) >= XLSX_CHUNK_ROWS:
            yield _frame(buffer, info.headers, columns, first_line)
            first_line += len(buffer)
            buffer = []
    if buffer:
        yield _frame(buffer, info.headers, columns, first_line)


def _frame(
    rows: list[list[str]], headers: list[str], columns: list[str] | None, first_line: int
) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=headers, dtype="str")
    if columns:
        frame = frame[columns]
    frame["_line"] = pd.RangeIndex(first_line, first_line + len(frame))
    frame.attrs["bad_rows"] = []
    return frame


def preview(info: SourceInfo, rows: int = 8) -> list[list[str]]:
    """The first rows of the file as text, for the mapping page."""
    if info.kind == "xlsx":
        out: list[list[str]] = []
        for chunk in _xlsx_chunks(info, None):
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


def header_keys(info: SourceInfo) -> list[str]:
    return [header_key(h) for h in info.headers]
