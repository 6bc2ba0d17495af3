"""A .zip holding CAD exports (and code tables beside them), and the .zip inside an .xlsx: their
listings judged before anything is unpacked, members unpacked within caps."""

from __future__ import annotations

import zipfile
from pathlib import Path

from calldata.engine.reading.source import ReadError

# Limits on what a .zip (or an .xlsx, which is a zip of XML) may unpack to. A CAD export
# compresses about 5-15 times; a zip bomb a thousand times. The ratio is only judged on
# members big enough for it to matter.
MAX_UNZIPPED_BYTES = 4 * 1024**3
MAX_XLSX_UNZIPPED_BYTES = 2 * 1024**3
MAX_RATIO = 100
RATIO_FROM_BYTES = 8 * 1024 * 1024
HEAD_BYTES = 1024 * 1024  # what the upload reads of a zipped CSV for the mapping page
MAX_ZIP_EXPORTS = 50  # exports read from one .zip (yearly or monthly files of one system)


def mb(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB" if size < 1024**3 else f"{size / 1024**3:,.1f} GB"


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


def _check_ratio(info: zipfile.ZipInfo, size: int) -> None:
    if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
        raise ReadError(
            f"“{info.filename}” inside the archive would unpack from "
            f"{mb(info.compress_size)} to {mb(size)}, more than {MAX_RATIO} times its "
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
        raise ReadError(f"The {what} to {mb(total)}; the limit is {mb(MAX_UNZIPPED_BYTES)}.")
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
            f"The Excel workbook unpacks to {mb(total)} of XML; the limit is "
            f"{mb(MAX_XLSX_UNZIPPED_BYTES)}. Export the calls as CSV (and zip it) instead."
        )


def unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limit: int) -> int:
    """Copy a member out in blocks, stopping as soon as it passes the caps (the directory
    listing is checked first, but it is written by whoever made the file)."""
    written = 0
    cap = min(MAX_UNZIPPED_BYTES, limit)
    with archive.open(info) as src, target.open("wb") as dst:
        while block := src.read(4 * 1024 * 1024):
            written += len(block)
            if written > cap:
                raise ReadError(
                    f"The file inside the .zip unpacks to more than {mb(cap)}; it was not imported."
                )
            _check_ratio(info, written)
            dst.write(block)
    return written


def head_sample(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """The first lines of a zipped CSV (whole lines, at most HEAD_BYTES), for the upload."""
    with archive.open(info) as src:
        head = src.read(HEAD_BYTES)
        more = bool(src.read(1))
    if more and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    target.write_bytes(head)
