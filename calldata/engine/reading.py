"""Reading a CAD export: CSV (any delimiter, UTF-8 with or without BOM, Windows-1252), Excel
(.xlsx) or a .zip holding one of them, as chunks of text columns.

Everything is read as text; parsing numbers and dates is normalise's job, where failures can be
counted and reported row by row instead of failing the whole file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import queue
import threading
import zipfile
import zlib
from collections.abc import Collection, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from calldata.engine.fields import header_key

CHUNK_BYTES = 32 * 1024 * 1024  # rows handed to normalise at once
# Arrow's CSV reader reads up to 32 blocks ahead of the consumer: small blocks keep that
# readahead at 64 MB whatever the file's size; they are grouped into CHUNK_BYTES frames.
READ_BLOCK_BYTES = 2 * 1024 * 1024
XLSX_CHUNK_ROWS = 50_000
# Limits on what a .zip (or an .xlsx, which is a zip of XML) may unpack to. A CAD export
# compresses about 5-15 times; a zip bomb a thousand times. The ratio is only judged on
# members big enough for it to matter.
MAX_UNZIPPED_BYTES = 4 * 1024**3
MAX_XLSX_UNZIPPED_BYTES = 2 * 1024**3
MAX_RATIO = 100
RATIO_FROM_BYTES = 8 * 1024 * 1024
HEAD_BYTES = 1024 * 1024  # what the upload reads of a zipped CSV for the mapping page
MAX_ZIP_EXPORTS = 50  # exports read from one .zip (yearly or monthly files of one system)
# Line numbers of the second, third… file read as one: file i's line n is i * LINE_BASE + n,
# so lines stay in file order and each row's file and line can be told back (file_line).
LINE_BASE = 10**10


# Text columns stay in Arrow memory: pandas string operations then run in Arrow's C++ kernels.
_ARROW_STRINGS = {pa.string(): pd.StringDtype("pyarrow", na_value=float("nan"))}


_CODED = pa.dictionary(pa.int32(), pa.string())


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
    unpacked_size: int = 0  # the member's size, for a .zip
    quoted: bool = True  # a double quote anywhere in the file (see scan_text)
    # A file cut off in the middle of its last line: {"line": its line number, "bytes": how
    # many bytes follow the last complete line}; None for a whole file.
    cut_off: dict | None = None
    # The other exports read after this one, with the same columns (a .zip of several).
    more: list[SourceInfo] = field(default_factory=list)
    name: str = ""  # how the person knows this file (set by the caller, or the member)

    def describe(self) -> dict:
        return {
            "kind": self.kind,
            # An .xlsx is XML in a zip: a text encoding means nothing for it.
            "encoding": self.encoding if self.kind == "csv" else "",
            "delimiter": {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(
                self.delimiter, self.delimiter
            )
            if self.kind == "csv"
            else "",
            "member": self.member,
            "members": [self.member, *(m.member for m in self.more)] if self.more else [],
            "notes": self.notes,
            "cut_off": self.cut_off,
        }

    @property
    def parts(self) -> list[SourceInfo]:
        return [self, *self.more]


def sniff_kind(head: bytes) -> str | None:
    if not head:
        return None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # a member first, or an empty zip
        return "zip"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    text = head.decode("cp1252", errors="replace")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return "csv" if printable / max(len(text), 1) > 0.95 else None


def scan_text(path: Path) -> tuple[str, bool]:
    """(encoding, quoted) from one read of the file. The encoding is UTF-8 (with or without
    BOM) when every byte decodes as UTF-8, else Windows-1252. `quoted`: whether a double quote
    occurs anywhere; without one no value can hold a line break, and Arrow's multi-threaded
    reader splits the file into blocks at half the cost."""
    with path.open("rb") as handle:
        start = handle.read(4)
        if start.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", True
        else:
            encoding = "utf-8"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        quoted = False
        while block := handle.read(8 * 1024 * 1024):
            quoted = quoted or b'"' in block
            # ASCII is valid UTF-8: only blocks with other bytes (or following a block that
            # ended inside a character) need the decoder, which is several times slower.
            if encoding != "cp1252" and (not block.isascii() or decoder.getstate()[0]):
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    encoding = "cp1252"
            if encoding == "cp1252" and quoted:
                break
        if encoding != "cp1252":
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "cp1252"
    return encoding, quoted


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


def _mb(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB" if size < 1024**3 else f"{size / 1024**3:,.1f} GB"


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


def _check_ratio(info: zipfile.ZipInfo, size: int) -> None:
    if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
        raise ReadError(
            f"“{info.filename}” inside the archive would unpack from "
            f"{_mb(info.compress_size)} to {_mb(size)}, more than {MAX_RATIO} times its "
            "compressed size: that is how a zip bomb looks, so the file was not unpacked. "
            "Zip the CSV export again with ordinary settings and upload it."
        )


def zip_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The CSV or Excel exports of a .zip (code tables beside them left out), judged from its
    directory listing alone (cheap: nothing is unpacked but the small code tables); ReadError
    with the reason for anything else."""
    entries = archive.infolist()
    for info in entries:
        if _unsafe_name(info.filename):
            raise ReadError(
                f"The .zip holds an entry with an unsafe name (“{info.filename[:80]}”, which "
                "points outside the archive's folder); the archive was not unpacked."
            )
    files = _zip_files(entries)
    if len(files) > 1:
        # Code tables (code → description lists) may sit beside the export.
        tables = {i.filename for i, _ in zip_code_tables(archive)}
        files = [i for i in files if i.filename not in tables]
    if not files:
        raise ReadError(
            "The .zip file holds no files; it must hold the CSV or Excel export (or several "
            "exports with the same columns, and code tables beside them)."
        )
    if len(files) > MAX_ZIP_EXPORTS:
        raise ReadError(
            f"The .zip file holds {len(files)} files; at most {MAX_ZIP_EXPORTS} exports are "
            "read from one archive."
        )
    for info in files:
        if info.flag_bits & 0x1:
            raise ReadError(
                f"“{Path(info.filename).name[:60]}” inside the .zip is password-protected; "
                "zip it without one."
            )
        if Path(info.filename).suffix.lower() in {".zip", ".gz", ".7z", ".rar", ".tar", ".bz2"}:
            raise ReadError(
                f"The .zip holds another archive (“{Path(info.filename).name[:60]}”); put the "
                "CSV or Excel file itself in the .zip."
            )
        _check_ratio(info, info.file_size)
    total = sum(info.file_size for info in files)
    if total > MAX_UNZIPPED_BYTES:
        what = "file inside the .zip unpacks" if len(files) == 1 else "files inside the .zip unpack"
        raise ReadError(f"The {what} to {_mb(total)}; the limit is {_mb(MAX_UNZIPPED_BYTES)}.")
    return sorted(files, key=lambda i: i.filename)


def _zip_files(entries: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    return [
        i
        for i in entries
        if not i.is_dir()
        and not Path(i.filename).name.startswith(".")
        and "__MACOSX" not in i.filename
    ]


def zip_code_tables(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """The members of a .zip that are code tables (small CSV or Excel files whose header names
    a code and a description column and whose rows read as one), with their bytes."""
    from calldata.engine.codes import MAX_BYTES, MAX_WIDTH, CodeTableError, read_code_table

    found = []
    for info in _zip_files(archive.infolist()):
        suffix = Path(info.filename).suffix.lower()
        if (
            suffix not in {".csv", ".txt", ".xlsx"}
            or info.file_size > MAX_BYTES
            or info.flag_bits & 0x1
            or _unsafe_name(info.filename)
        ):
            continue
        _check_ratio(info, info.file_size)
        with archive.open(info) as member:
            raw = member.read(MAX_BYTES + 1)
        try:
            table = read_code_table(raw, info.filename)
        except CodeTableError:
            continue
        if table.width <= MAX_WIDTH and not table.repeated:
            found.append((info, raw))
    return found


def check_xlsx_listing(archive: zipfile.ZipFile) -> None:
    """An .xlsx is a zip of XML parts: refuse one whose parts would inflate past the limits
    before any XML parser sees them."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        _check_ratio(info, info.file_size)
    if total > MAX_XLSX_UNZIPPED_BYTES:
        raise ReadError(
            f"The Excel workbook unpacks to {_mb(total)} of XML; the limit is "
            f"{_mb(MAX_XLSX_UNZIPPED_BYTES)}. Export the calls as CSV (and zip it) instead."
        )


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limit: int) -> int:
    """Copy a member out in blocks, stopping as soon as it passes the caps (the directory
    listing is checked first, but it is written by whoever made the file)."""
    written = 0
    cap = min(MAX_UNZIPPED_BYTES, limit)
    with archive.open(info) as src, target.open("wb") as dst:
        while block := src.read(4 * 1024 * 1024):
            written += len(block)
            if written > cap:
                raise ReadError(
                    f"The file inside the .zip unpacks to more than {_mb(cap)}; it was not "
                    "imported."
                )
            _check_ratio(info, written)
            dst.write(block)
    return written


def _head_sample(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """The first lines of a zipped CSV (whole lines, at most HEAD_BYTES), for the upload."""
    with archive.open(info) as src:
        head = src.read(HEAD_BYTES)
        more = bool(src.read(1))
    if more and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    target.write_bytes(head)


def _zipped(info: zipfile.ZipInfo, target: Path, work_dir: Path, extract: bool) -> SourceInfo:
    inner = open_source(target, work_dir=work_dir, extract=extract, inside_zip=True)
    inner.member = inner.name = info.filename
    inner.unpacked_size = info.file_size
    if not extract and inner.kind == "csv":
        inner.quoted = True  # judged on the first lines only
        inner.notes.append(
            f"Read from the first lines of “{Path(info.filename).name}” inside the .zip; "
            "the whole file is unpacked when the import runs."
        )
    return inner


def _same_columns(parts: list[SourceInfo]) -> SourceInfo:
    """Several exports read as one: the first, with the others in `more`; ReadError when one
    has other columns (a different export, or another system's)."""
    first = parts[0]
    for other in parts[1:]:
        if other.headers != first.headers:
            missing = [h for h in first.headers if h not in other.headers]
            extra = [h for h in other.headers if h not in first.headers]
            detail = "; ".join(
                part
                for part in (
                    f"it lacks {', '.join(missing[:8])}" if missing else "",
                    f"it adds {', '.join(extra[:8])}" if extra else "",
                    "its columns are in another order" if not missing and not extra else "",
                )
                if part
            )
            raise ReadError(
                f"“{Path(other.name).name}” has other columns than “{Path(first.name).name}” "
                f"({detail}). Several files are read as one only when they have the same "
                "columns: import them separately."
            )
    first.more = [*first.more, *parts[1:]]
    if len(parts) > 1:
        first.unpacked_size = sum(p.unpacked_size for p in parts)
        first.notes.append(
            f"{len(parts)} exports with the same columns, read as one: "
            + ", ".join(f"“{Path(p.name).name}”" for p in parts)
            + "."
        )
        # Each cut-off file is named, whichever of the several it is (the first one's note
        # said "The file is cut off" without a name).
        if first.cut_off and cut_off_message(first.cut_off) in first.notes:
            first.notes.remove(cut_off_message(first.cut_off))
        first.notes.extend(
            f"“{Path(p.name).name}”: {cut_off_message(p.cut_off)}" for p in parts if p.cut_off
        )
    return first


def open_sources(paths: list[Path], names: list[str], *, work_dir: Path) -> SourceInfo:
    """Several stored files (each perhaps a .zip of several) read as one export, unpacked."""
    parts = []
    for index, (path, name) in enumerate(zip(paths, names, strict=True)):
        info = open_source(path, work_dir=work_dir / f"file-{index}")
        for part in info.parts:
            part.name = f"{name} › {part.member}" if part.member else name
            parts.append(part)
        info.more = []
    return _same_columns(parts)


def open_source(
    path: Path, *, work_dir: Path, extract: bool = True, inside_zip: bool = False
) -> SourceInfo:
    """Look at a stored file and say how to read it; ReadError with a clear message if not.

    A .zip is unpacked (streamed, within the caps) only with `extract`, which the import task
    asks for; the upload reads the directory listing and the first lines of a zipped CSV.
    """
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
                    check_xlsx_listing(archive)
                elif inside_zip:
                    raise ReadError(
                        "The .zip holds another .zip; put the CSV or Excel file itself in it."
                    )
                else:
                    members = zip_members(archive)
                    member = members[0].filename
                    work_dir.mkdir(parents=True, exist_ok=True)
                    targets = []
                    for index, info in enumerate(members):
                        suffix = Path(info.filename).suffix.lower()[:6]
                        target = work_dir / f"unzipped-{index}{suffix}"
                        if extract or suffix in {".xlsx", ".xlsm"}:
                            _unpack(archive, info, target, info.file_size)
                        else:
                            _head_sample(archive, info, target)
                        targets.append((info, target))
            if member:
                return _same_columns(
                    [
                        _zipped(info, target, work_dir / f"inner-{index}", extract)
                        for index, (info, target) in enumerate(targets)
                    ]
                )
        except zipfile.BadZipFile as error:
            raise ReadError("The file looks like a .zip archive but is damaged.") from error
        except (
            zipfile.LargeZipFile,
            NotImplementedError,
            RuntimeError,
            EOFError,
            zlib.error,  # a member whose compressed data is corrupt
        ) as error:
            raise ReadError(f"The .zip archive cannot be unpacked ({error}).") from error
    if kind is None:
        raise ReadError(
            "The file is not a CSV, Excel (.xlsx) or .zip file: its content is binary "
            "(for example a PDF, an image or an old .xls workbook renamed). Export the calls "
            "as CSV or .xlsx and upload that file."
        )
    if kind == "xlsx":
        headers = _xlsx_headers(path)
        return SourceInfo(kind="xlsx", path=path, headers=headers)
    encoding, quoted = scan_text(path)
    text = _first_text(path, encoding)
    if not text.strip():
        raise ReadError("The file holds only blank lines: there is nothing to import.")
    delimiter = detect_delimiter(text)
    first_line = next(line for line in text.splitlines() if line.strip())
    headers = _unique_headers(next(csv.reader([first_line], delimiter=delimiter)))
    notes = []
    cut = cut_off(path, encoding, delimiter, len(headers))
    if cut is not None:
        notes.append(cut_off_message(cut))
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
        quoted=quoted,
        cut_off=cut,
    )


def cut_off(path: Path, encoding: str, delimiter: str, width: int) -> dict | None:
    """Whether the file stops in the middle of a line: its last line has no line break after
    it and either fewer fields than the header or a quote left open. (A last line that is
    complete but lacks the final line break is common and fine.)"""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 256 * 1024))
        tail = handle.read()
    if not tail or tail.endswith((b"\n", b"\r")):
        return None
    last = tail[tail.rfind(b"\n") + 1 :]
    text = last.decode("utf-8" if encoding.startswith("utf-8") else encoding, errors="replace")
    open_quote = text.count('"') % 2 == 1
    fields = next(csv.reader([text], delimiter=delimiter), [])
    if not open_quote and len(fields) >= width:
        return None
    with path.open("rb") as handle:
        lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(8 << 20), b""))
    return {"line": lines + 1, "bytes": len(last), "text": text[:80]}


def find_lines(info: SourceInfo, texts: list[str], width: int = 120) -> dict[str, int]:
    """The line number of each text, the first `width` characters of a line of the file (the
    rows Arrow skipped without a number), read once from the start until all are found."""
    wanted = {t.rstrip("\r\n")[:width] for t in texts}
    found: dict[str, int] = {}
    if not wanted or info.kind != "csv":
        return found
    encoding = "utf-8-sig" if info.encoding.startswith("utf-8") else info.encoding
    with info.path.open(encoding=encoding, errors="replace", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")[:width]
            if text in wanted and text not in found:
                found[text] = number
                if len(found) == len(wanted):
                    break
    return found


def cut_off_message(cut: dict) -> str:
    return (
        f"The file is cut off: its last line (line {cut['line']}) stops in the middle, "
        f"{cut['bytes']} bytes after the last complete line (“{cut['text']}”). That line is "
        "not imported; the export or the copy was probably interrupted — export the file again "
        "to have every call."
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
        raise _xlsx_error(error) from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as error:  # the sheet's XML is parsed as the rows are read
                raise _xlsx_error(error) from error
            yield row
    finally:
        workbook.close()


def _xlsx_error(error: Exception) -> ReadError:
    causes, cause = [], error
    while cause is not None and len(causes) < 5:  # openpyxl wraps the parser's error
        causes.append(f"{type(cause).__name__}: {cause}")
        cause = cause.__cause__ or cause.__context__
    text = " ".join(causes)
    if any(w in text for w in ("Entit", "DTD", "amplification", "entity")):
        return ReadError(
            "The Excel workbook's XML declares entities (as in the “billion laughs” attack); "
            "a workbook saved by Excel never does, so it was refused."
        )
    return ReadError("The Excel workbook is damaged or password-protected.")


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


def read_column(info: SourceInfo, header: str) -> pa.ChunkedArray:
    """One column of every file the source holds (see _read_column)."""
    columns = [_read_column(part, header) for part in info.parts]
    if len(columns) == 1:
        return columns[0]
    return pa.chunked_array([c for column in columns for c in column.chunks], type=pa.string())


def _read_column(info: SourceInfo, header: str) -> pa.ChunkedArray:
    """One column of the whole file as Arrow strings (the first pass of the import). Arrow's
    multi-threaded reader parses the blocks of a CSV in parallel and keeps only this column; a
    file it cannot parse is read block by block instead, which says near which row it fails."""
    if info.kind == "csv":
        read_options, parse_options, convert_options = _csv_options(
            info, [header], READ_BLOCK_BYTES, []
        )
        try:
            table = pacsv.read_csv(
                info.path,
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert_options,
            )
            return table.column(header)
        except pa.ArrowInvalid:
            pass
    parts = [
        pa.array(frame[header].array, type=pa.string(), from_pandas=True)
        for frame in _read_part(info, [header], None, None, ())
    ]
    return pa.chunked_array(
        [c for p in parts for c in (p.chunks if isinstance(p, pa.ChunkedArray) else [p])],
        type=pa.string(),
    )


def read_chunks(
    info: SourceInfo,
    *,
    columns: list[str] | None = None,
    block_size: int | None = None,
    chunk_bytes: int | None = None,
    coded: Collection[str] = (),
) -> Iterator[pd.DataFrame]:
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


def file_line(info: SourceInfo, line: int) -> tuple[str, int]:
    """(file, line in it) of a line number of a source of several files."""
    index, local = divmod(int(line), LINE_BASE)
    parts = info.parts
    return (parts[index].name if index < len(parts) else ""), local


def _read_part(
    info: SourceInfo,
    columns: list[str] | None,
    block_size: int | None,
    chunk_bytes: int | None,
    coded: Collection[str],
) -> Iterator[pd.DataFrame]:
    if info.kind == "xlsx":
        yield from _xlsx_chunks(info, columns)
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
    read_options, parse_options, convert_options = _csv_options(
        info, columns, block_size, bad_rows, coded
    )
    line = 2
    try:
        reader = pacsv.open_csv(
            info.path,
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
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


_DONE = object()


def prefetched(items: Iterator, depth: int = 1) -> Generator:
    """`items`, produced in a thread of its own up to `depth` ahead of the consumer. Errors
    reach the consumer in order; a consumer that stops early stops the producer."""
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put((_DONE, None))
        except BaseException as error:  # handed to the consumer, raised there
            slots.put((_DONE, error))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a generator's own clean-up runs now, not when it is collected

    producer = threading.Thread(target=produce, name="csv-prefetch", daemon=True)
    producer.start()
    try:
        while True:
            item, error = slots.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        while producer.is_alive():
            with contextlib.suppress(queue.Empty):
                slots.get(timeout=0.1)
        producer.join()


def _with_end(reader: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch | None]:
    yield from reader
    yield None


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
