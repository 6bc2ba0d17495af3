"""Opening a stored file (a CSV, an .xlsx, a .zip of one or several exports, or several files
read as one) and saying how to read it."""

from __future__ import annotations

import csv
import zipfile
import zlib
from pathlib import Path

from calldata.engine.reading.archives import check_xlsx_listing, head_sample, unpack, zip_members
from calldata.engine.reading.excel import xlsx_headers
from calldata.engine.reading.source import ReadError, SourceInfo
from calldata.engine.reading.text import (
    cut_off,
    cut_off_message,
    detect_delimiter,
    first_text,
    scan_text,
    sniff_kind,
    unique_headers,
)


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
                            unpack(archive, info, target, info.file_size)
                        else:
                            head_sample(archive, info, target)
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
        headers = xlsx_headers(path)
        return SourceInfo(kind="xlsx", path=path, headers=headers)
    encoding, quoted = scan_text(path)
    text = first_text(path, encoding)
    if not text.strip():
        raise ReadError("The file holds only blank lines: there is nothing to import.")
    delimiter = detect_delimiter(text)
    first_line = next(line for line in text.splitlines() if line.strip())
    headers = unique_headers(next(csv.reader([first_line], delimiter=delimiter)))
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
