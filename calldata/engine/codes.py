"""Code tables: the code → description lists many CAD systems ship beside their exports
("5150" → "Mentally ill person", "CAN" → "Cancelled", "3B2" → "Downtown east").

An export whose call types are codes is unreadable to the taxonomy and the marker rules (a
"415" says nothing about a disturbance). With a table, each code is read as a label holding
both, "415 — Disturbance", so every page shows the description with the code beside it, and
the dictionary's keywords and the weapon / violence / injury markers read the description.
Pure functions, no Django: `read_code_table` parses a CSV or .xlsx file, `label` builds the
text the import stores, `split_label` takes it apart again.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from calldata.engine.fields import MISSING_TOKENS, header_key

SEPARATOR = " — "
KINDS = {"call_type": "Call type", "disposition": "Disposition", "beat": "Beat / area"}
MAX_BYTES = 5 * 1024 * 1024
MAX_CODES = 50_000
MAX_DESCRIPTION = 150
MAX_CODE = 40
ERRORS_SHOWN = 5

# Header words, compared on header_key (lower case, words joined by "_").
_DESCRIPTION_WORDS = re.compile(r"desc|meaning|label|name|text|title|long|definition|narrative")
_CODE_WORDS = re.compile(r"code|^cd$|_cd$|^cd_|abbr|^id$|_id$|key|short|^value$|^type$|_type$")
_KIND_WORDS = {
    "disposition": re.compile(r"dispo|disp_|^disp|clearance|outcome|finding|result"),
    "beat": re.compile(r"beat|area|district|zone|sector|precinct|reporting|grid|patrol"),
    "call_type": re.compile(r"call|type|nature|incident|event|problem|offense|complaint|cfs"),
}


class CodeTableError(ValueError):
    """A file that is not a usable code table, with a message naming the rows and why."""


@dataclass
class CodeTable:
    entries: dict[str, str]  # normalised code -> description
    code_column: str
    description_column: str
    kind: str = ""  # guessed from the file's name and headers; "" when they do not say
    width: int = 2  # columns of the header line (an export has many more than a code list)
    repeated: int = 0  # lines that repeat a code with the same description
    notes: list[str] = field(default_factory=list)


def normalise_code(value: object) -> str:
    """A code as the import compares it: trimmed, upper case, inner spaces collapsed."""
    return " ".join(str(value or "").upper().split())


def label(code: str, description: str | None) -> str:
    return f"{code}{SEPARATOR}{description}" if description else code


def split_label(text: str) -> tuple[str, str]:
    """(code, description) of a stored label; the description is "" when none was found."""
    code, _, description = str(text).partition(SEPARATOR)
    return code, description


def describer(entries: dict[str, str] | None) -> Callable[[str | None], str | None] | None:
    """A function from a cleaned code (None for missing) to its label."""
    if not entries:
        return None

    def describe(code: str | None) -> str | None:
        if code is None:
            return None
        return label(code, entries.get(normalise_code(code)))

    return describe


def guess_kind(*texts: str) -> str:
    """The kind a file name or header speaks of ("dispositions.csv", "BEAT_DESC"), or ""."""
    for text in texts:
        key = header_key(Path(text).stem if "." in text else text)
        for kind in ("disposition", "beat", "call_type"):
            if _KIND_WORDS[kind].search(key):
                return kind
    return ""


def _rows_from_csv(raw: bytes) -> list[list[str]]:
    if b"\x00" in raw[:4096]:
        raise CodeTableError(
            "The file is not a CSV or Excel table (its content is binary). Save the code list "
            "as CSV or .xlsx with a code column and a description column."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    sample = "\n".join([line for line in text.splitlines() if line.strip()][:50])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = max(",;\t|", key=sample.count) if sample else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _rows_from_xlsx(raw: bytes) -> list[list[str]]:
    from calldata.engine.reading import ReadError, check_xlsx_listing
    from calldata.engine.reading.excel import cell_text, xlsx_error

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            check_xlsx_listing(archive)
    except (zipfile.BadZipFile, ReadError) as error:
        raise CodeTableError(str(error) or "The Excel workbook is damaged.") from error
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            rows = [
                [cell_text(v) for v in row]
                for row in workbook.worksheets[0].iter_rows(values_only=True)
            ]
        finally:
            workbook.close()
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise CodeTableError(str(xlsx_error(error))) from error
    return rows


def _columns(headers: list[str]) -> tuple[int, int] | None:
    """(code column, description column) from the header line, or None when the header does
    not name them."""
    keys = [header_key(h) for h in headers]
    description = next((i for i, k in enumerate(keys) if _DESCRIPTION_WORDS.search(k)), None)
    if description is None:
        return None
    code = next((i for i, k in enumerate(keys) if i != description and _CODE_WORDS.search(k)), None)
    if code is None:
        others = [i for i, k in enumerate(keys) if i != description and k]
        if len(others) != 1:
            return None
        code = others[0]
    return code, description


# Beside an export in a .zip, a member is taken for a code list when it has at most this many
# columns and names each code once (an export repeats its call types).
MAX_WIDTH = 8


def read_code_table(raw: bytes, name: str) -> CodeTable:
    """Parse a code table; CodeTableError naming the first bad rows and why."""
    if not raw.strip():
        raise CodeTableError("The file is empty: a code table needs a code and a description.")
    if len(raw) > MAX_BYTES:
        raise CodeTableError(
            f"The file is {len(raw) / 1024**2:.1f} MB; a code table is at most "
            f"{MAX_BYTES // 1024**2} MB. Is this the export itself rather than its code list?"
        )
    is_xlsx = raw.startswith(b"PK\x03\x04")
    rows = _rows_from_xlsx(raw) if is_xlsx else _rows_from_csv(raw)
    rows = [[str(v).strip() for v in row] for row in rows]
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if any(row)]
    if not numbered:
        raise CodeTableError("The file holds only blank lines.")
    header_line, headers = numbered[0]
    notes = []
    columns = _columns(headers)
    if columns is None:
        width = len([h for h in headers if h])
        if width < 2:
            raise CodeTableError(
                f"Line {header_line} has only one column (“{headers[0][:40]}”): a code table "
                "needs a code column and a description column."
            )
        if width > 2:
            raise CodeTableError(
                f"No description column found among {', '.join(h for h in headers if h)}. "
                "Name the columns (for example CODE and DESCRIPTION), or keep only the code "
                "and the description."
            )
        # Two unnamed columns: a list without a header line, code first.
        columns, data = (0, 1), numbered
        code_header, description_header = "column 1", "column 2"
        notes.append(
            "No header line: the first column was read as the code, the second as the description."
        )
    else:
        data = numbered[1:]
        code_header, description_header = headers[columns[0]], headers[columns[1]]
    code_at, description_at = columns
    entries: dict[str, str] = {}
    first_line: dict[str, int] = {}
    problems: list[str] = []
    same = 0
    for number, row in data:
        code = normalise_code(row[code_at] if code_at < len(row) else "")
        description = " ".join((row[description_at] if description_at < len(row) else "").split())
        if not code or code in MISSING_TOKENS:
            problems.append(
                f"line {number}: no code"
                + (f" for the description “{description[:40]}”" if description else "")
            )
        elif not description:
            problems.append(f"line {number}: the code “{code[:MAX_CODE]}” has no description")
        elif len(code) > MAX_CODE:
            problems.append(
                f"line {number}: the code “{code[:MAX_CODE]}…” is longer than {MAX_CODE} characters"
            )
        elif len(description) > MAX_DESCRIPTION:
            problems.append(
                f"line {number}: the description of “{code}” is longer than "
                f"{MAX_DESCRIPTION} characters"
            )
        elif code in entries and entries[code].upper() != description.upper():
            problems.append(
                f"line {number}: the code “{code}” is already on line {first_line[code]} with "
                f"another description (“{entries[code][:40]}”, here “{description[:40]}”)"
            )
        elif code in entries:
            same += 1
        else:
            entries[code] = description
            first_line[code] = number
        if len(problems) > ERRORS_SHOWN:
            break
    if problems:
        shown = "; ".join(problems[:ERRORS_SHOWN])
        more = " (and more)" if len(problems) > ERRORS_SHOWN else ""
        raise CodeTableError(
            f"The code table was not saved: {shown}{more}. Columns read: code = "
            f"“{code_header}”, description = “{description_header}”."
        )
    if not entries:
        raise CodeTableError(f"The file has a header line ({', '.join(headers)}) but no codes.")
    if len(entries) > MAX_CODES:
        raise CodeTableError(
            f"The file lists {len(entries):,} codes; a code table holds at most {MAX_CODES:,}."
        )
    if same:
        notes.append(f"{same} lines repeat a code with the same description (read once).")
    kind = guess_kind(name) or guess_kind(code_header) or guess_kind(description_header)
    return CodeTable(
        entries=entries,
        code_column=code_header,
        description_column=description_header,
        kind=kind,
        notes=notes,
        width=len([h for h in headers if h]),
        repeated=same,
    )


def kind_by_overlap(entries: dict[str, str], columns: dict[str, list[str]]) -> str:
    """The kind whose sample values (the export's first rows of the call type, disposition and
    beat columns) share most codes with the table; "" when none does."""
    best, best_hits = "", 0
    for kind, values in columns.items():
        hits = len({normalise_code(v) for v in values} & set(entries))
        if hits > best_hits:
            best, best_hits = kind, hits
    return best
