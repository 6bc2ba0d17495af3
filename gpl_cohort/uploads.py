"""Upload rules shared by every app: content sniffing, size caps, safe names, private serving.

A file's type is decided by its bytes, never by its name or the browser's Content-Type; it is
stored under a random name in the storage (no URL serves it) and handed back only through
a view that has checked permission first (`private_file_response`).
"""

from __future__ import annotations

import csv
import io
import mimetypes
import re
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils import timezone

MB = 1024 * 1024
_NAME_MAX = 150  # the file_name columns of every app


class Kind:
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    ZIP = "zip"
    CSV = "csv"
    PNG = "png"
    JPEG = "jpeg"


LABELS = {
    Kind.PDF: "PDF",
    Kind.DOCX: "Word document (.docx)",
    Kind.XLSX: "Excel workbook (.xlsx)",
    Kind.ZIP: "ZIP archive",
    Kind.CSV: "CSV or text file",
    Kind.PNG: "PNG image",
    Kind.JPEG: "JPEG image",
}
EXTENSIONS = {
    Kind.PDF: ".pdf",
    Kind.DOCX: ".docx",
    Kind.XLSX: ".xlsx",
    Kind.ZIP: ".zip",
    Kind.CSV: ".csv",
    Kind.PNG: ".png",
    Kind.JPEG: ".jpg",
}


def _head(file: IO[bytes], size: int = 8192) -> bytes:
    position = file.tell()
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head


def sniff_kind(file: IO[bytes]) -> str | None:
    """The kind of a file judged from its content; None when it is none we know."""
    head = _head(file)
    if not head:
        return None
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return Kind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    if head.startswith(b"PK\x03\x04"):
        position = file.tell()
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            file.seek(position)
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return Kind.DOCX
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return Kind.XLSX
        return Kind.ZIP
    if _looks_like_text(head):
        return Kind.CSV
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head.lstrip(b"\xff\xfe\xef\xbb\xbf")[:4096] and not head.startswith(
        (b"\xff\xfe", b"\xfe\xff")
    ):
        return False
    for encoding in ("utf-8-sig", "cp1252", "utf-16"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            # The head may cut a multi-byte character in two; retry without its last bytes.
            try:
                text = head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        return printable / max(len(text), 1) > 0.95
    return False


def safe_filename(name: str, *, fallback: str = "file") -> str:
    """A name fit to show and to send in Content-Disposition: no path, no control characters."""
    name = PurePath(name.replace("\\", "/")).name
    name = unicodedata.normalize("NFKC", name)
    name = re.sub(r"[^\w.\- ()]+", "_", name).strip(" ._")
    return (name or fallback)[:_NAME_MAX]


def storage_name(prefix: str, kind: str) -> str:
    """A random storage path: the user's file name never reaches the file system."""
    return f"{prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{EXTENSIONS.get(kind, '.bin')}"


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    size: int
    original_name: str
    pages: int | None = None


def check_upload(
    upload: UploadedFile,
    *,
    allowed: tuple[str, ...],
    max_bytes: int,
    count_pages: bool = False,
) -> CheckedUpload:
    """Validate an upload by its content; raise ValidationError with a message a person reads."""
    name = safe_filename(upload.name or "")
    size = upload.size or 0  # an upload Django received always knows its size
    if size == 0:
        raise ValidationError(f"“{name}” is empty (0 bytes). Choose the file again.")
    if size > max_bytes:
        raise ValidationError(
            f"“{name}” is {size / MB:.1f} MB; the limit is {max_bytes / MB:.0f} MB."
        )
    kind = sniff_kind(upload)
    if kind not in allowed:
        accepted = ", ".join(LABELS[k] for k in allowed)
        found = LABELS.get(kind, "a type we cannot read") if kind else "a type we cannot read"
        raise ValidationError(f"“{name}” is {found}. Accepted: {accepted}.")
    if kind in ARCHIVE_KINDS:
        check_archive(upload, name=name, max_total_bytes=max(ARCHIVE_MAX_TOTAL_BYTES, max_bytes))
    pages = None
    if kind == Kind.PDF:
        # Every PDF is opened, counted or not: damaged, encrypted and active ones are refused.
        pages = pdf_page_count(upload, name=name)
    upload.seek(0)
    return CheckedUpload(
        kind=kind,
        size=size,
        original_name=_with_extension(name, kind),
        pages=pages if count_pages else None,
    )


def attach_upload(
    instance: Any,
    upload: UploadedFile,
    *,
    allowed: tuple[str, ...],
    max_bytes: int,
    field: str = "file",
    by: Any = None,
    count_pages: bool = False,
    error_field: str | None = None,
    accept: Callable[[CheckedUpload], None] | None = None,
    columns: Mapping[str, str] | None = None,
) -> CheckedUpload:
    """Check an upload by its content, then store it in `instance.<field>` with what we know.

    The one way an upload becomes part of a row: `check_upload`, then `accept` (the caller's own
    rule, e.g. a page limit; it raises ValidationError), then the file goes to the field's storage
    (Django's storage API only, so any backend works) and the metadata to the columns the model
    has: `<field>_name`, `<field>_kind`, `<field>_size`, `<field>_pages` (or the column `columns`
    maps "name", "kind", "size" or "pages" to) and `uploaded_by`. Nothing is stored when a check
    fails. The caller saves the row, inside its transaction. With `error_field`, errors are
    raised keyed by that form field so the form shows them next to it.
    """
    try:
        checked = check_upload(
            upload, allowed=allowed, max_bytes=max_bytes, count_pages=count_pages
        )
        if accept is not None:
            accept(checked)
    except ValidationError as error:
        if error_field is None:
            raise
        raise ValidationError({error_field: error.messages}) from error
    names = {f.name for f in instance._meta.concrete_fields}
    wanted = {meta: f"{field}_{meta}" for meta in ("name", "kind", "size", "pages")}
    wanted.update(columns or {})
    values = {
        "name": checked.original_name,
        "kind": checked.kind,
        "size": checked.size,
        "pages": checked.pages,
    }
    for meta, column in wanted.items():
        if column in names:
            setattr(instance, column, values[meta])
    if "uploaded_by" in names:
        instance.uploaded_by = by
    getattr(instance, field).save(checked.original_name, upload, save=False)
    return checked


# Extensions a file of each kind may keep; any other (letter.pdf.exe) is replaced on the way in,
# so the download name and its Content-Type always say what the bytes are.
_KIND_SUFFIXES = {
    Kind.PDF: {".pdf"},
    Kind.DOCX: {".docx"},
    Kind.XLSX: {".xlsx"},
    Kind.ZIP: {".zip"},
    Kind.CSV: {".csv", ".txt", ".tsv"},
    Kind.PNG: {".png"},
    Kind.JPEG: {".jpg", ".jpeg"},
}


def _with_extension(name: str, kind: str) -> str:
    path = PurePath(name)
    if path.suffix.lower() in _KIND_SUFFIXES[kind]:
        return name
    stem = path.stem if path.suffix and len(path.suffix) <= 6 else name
    if PurePath(stem).suffix.lower() in _KIND_SUFFIXES[kind]:
        return stem
    extension = EXTENSIONS[kind]
    return f"{stem[: _NAME_MAX - len(extension)]}{extension}"


ARCHIVE_KINDS = (Kind.DOCX, Kind.XLSX, Kind.ZIP)
#: Beyond these an archive is a zip bomb: refused from its listing, never inflated. The ratio is
#: OWASP's usual bound; real workbooks and CSV exports compress 5–20 times.
ARCHIVE_MAX_TOTAL_BYTES = 1024 * MB
ARCHIVE_MAX_RATIO = 100
ARCHIVE_MAX_MEMBERS = 10_000
_RATIO_FLOOR = 1 * MB  # small members compress absurdly well and harm no one
_XML_DECLARATIONS = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def check_archive(
    file: IO[bytes],
    *,
    name: str = "the archive",
    max_total_bytes: int = ARCHIVE_MAX_TOTAL_BYTES,
    max_ratio: int = ARCHIVE_MAX_RATIO,
) -> None:
    """Refuse a ZIP (or .xlsx/.docx, which are ZIPs) that would inflate out of bounds.

    Judged from the central directory alone: Python's zipfile stops reading a member at its
    declared size, so a reader that passed this check cannot be made to inflate more. Office
    files are also refused when an XML part declares a DTD or entities (billion laughs, XXE);
    only the first bytes of each part are inflated to look.
    """
    position = file.tell()
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            _check_members(members, name=name, max_total_bytes=max_total_bytes, ratio=max_ratio)
            office = any(m.filename == "[Content_Types].xml" for m in members)
            for member in members if office else ():
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as part:
                        if _XML_DECLARATIONS.search(part.read(4096)):
                            raise ValidationError(
                                f"“{name}” declares XML entities, which spreadsheets and "
                                "documents never need. Save it again from Excel or Word."
                            )
    except RuntimeError as error:  # zipfile's answer to an encrypted member
        raise ValidationError(
            f"“{name}” is password-protected; upload it without a password."
        ) from error
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        zlib.error,  # a member whose compressed data is corrupt
        NotImplementedError,  # a compression method Python cannot inflate
    ) as error:
        raise ValidationError(f"“{name}” is a damaged archive and cannot be opened.") from error
    finally:
        file.seek(position)


def _check_members(
    members: list[zipfile.ZipInfo], *, name: str, max_total_bytes: int, ratio: int
) -> None:
    if len(members) > ARCHIVE_MAX_MEMBERS:
        raise ValidationError(
            f"“{name}” holds {len(members):,} files; the limit is {ARCHIVE_MAX_MEMBERS:,}."
        )
    total = sum(m.file_size for m in members)
    if total > max_total_bytes:
        raise ValidationError(
            f"“{name}” would unpack to {total / MB:,.0f} MB; the limit is "
            f"{max_total_bytes / MB:,.0f} MB."
        )
    for member in members:
        if member.file_size > _RATIO_FLOOR and member.file_size > ratio * max(
            member.compress_size, 1
        ):
            raise ValidationError(
                f"“{name}” is compressed {member.file_size // max(member.compress_size, 1):,} "
                f"times over (a “zip bomb”); the limit is {ratio} times. Upload the file "
                "uncompressed or as a plain ZIP."
            )


def check_xlsx(
    file: IO[bytes], *, name: str = "the workbook", max_total_bytes: int = ARCHIVE_MAX_TOTAL_BYTES
) -> None:
    """The guard every .xlsx reader runs before openpyxl: unpacked size, ratio, and no DTD."""
    check_archive(file, name=name, max_total_bytes=max_total_bytes)


CSV_MAX_COLUMNS = 500


def read_csv_upload(upload: UploadedFile, *, max_bytes: int) -> str:
    """The text of an uploaded CSV, refused with a message before any parsing goes wrong.

    Size and type are judged before the file is read into memory; the text must decode as
    UTF-8 or Windows-1252 (what Excel and meeting tools export) and hold no NUL character,
    which no CSV export has and PostgreSQL cannot store.
    """
    checked = check_upload(upload, allowed=(Kind.CSV,), max_bytes=max_bytes)
    raw = upload.read()
    upload.seek(0)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(
            f"“{checked.original_name}” is not text we can read. Save it from Excel as "
            "“CSV UTF-8” and upload it again."
        )
    if "\x00" in text:
        raise ValidationError(
            f"“{checked.original_name}” contains NUL characters, so it is not a plain CSV "
            "(perhaps a UTF-16 or binary file). Save it as “CSV UTF-8” and upload it again."
        )
    return text


def csv_rows(text: str, *, name: str, max_columns: int = CSV_MAX_COLUMNS) -> Iterator[list[str]]:
    """Rows of CSV text; a malformed or too wide file raises ValidationError, not csv.Error."""
    reader = csv.reader(io.StringIO(text))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ValidationError(
                f"“{name}” cannot be read as CSV at line {reader.line_num}: {error}."
            ) from error
        if len(row) > max_columns:
            raise ValidationError(
                f"“{name}” has {len(row):,} columns at line {reader.line_num}; the limit is "
                f"{max_columns:,}."
            )
        yield row


def pdf_page_count(file: IO[bytes], *, name: str = "the PDF") -> int:
    """Pages of a PDF, counted with pypdf. Encrypted, corrupt and empty PDFs are refused."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    file.seek(0)
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                f"“{name}” is password-protected. Upload a copy without a password."
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise ValidationError(f"“{name}” is damaged and cannot be read as a PDF.") from error
    except Exception as error:  # pypdf raises many more types on hostile input (fuzz-found)
        raise ValidationError(
            f"“{name}” uses PDF features we cannot read (such as an unusual encryption). "
            "Print it to a plain PDF and upload that copy."
        ) from error
    finally:
        file.seek(0)
    if pages == 0:
        raise ValidationError(f"“{name}” has no pages.")
    if _pdf_has_active_content(file):
        raise ValidationError(
            f"“{name}” contains JavaScript or an embedded launch action. Print it to a plain PDF "
            "and upload that copy."
        )
    return pages


# Name tokens of PDF features that run code when a viewer opens the file.
_ACTIVE_PDF_TOKENS = re.compile(rb"/(JavaScript|JS|Launch|RichMedia)(?![A-Za-z])")


def _pdf_has_active_content(file: IO[bytes], *, chunk_size: int = 1024 * 1024) -> bool:
    """Whether the raw PDF names JavaScript, a launch action or rich media anywhere.

    Read in chunks (with an overlap so a token cut in two is still found), never whole, so a
    huge file costs time in proportion to its size and no more memory than one chunk.
    """
    position = file.tell()
    file.seek(0)
    tail = b""
    try:
        while chunk := file.read(chunk_size):
            if _ACTIVE_PDF_TOKENS.search(tail + chunk):
                return True
            tail = chunk[-16:]
    finally:
        file.seek(position)
    return False


# A cell starting with one of these runs as a formula when the CSV is opened in a spreadsheet
# (OWASP "CSV injection"): =cmd|' /C calc'!A0, @SUM(...), +HYPERLINK(...), -2+3+cmd|...
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A value a spreadsheet shows as text: a formula-like string gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def private_file_response(field_file: FieldFile, *, filename: str) -> FileResponse:
    """Serve a stored file as a download after the caller has checked permission."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=safe_filename(filename),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def bytes_upload(content: bytes, name: str) -> IO[bytes]:
    """A file-like object for content made in memory (tests, imports), with a name."""
    buffer = io.BytesIO(content)
    buffer.name = name
    return buffer
