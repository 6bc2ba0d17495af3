"""Reading the first sheet of an Excel workbook (.xlsx) as text rows, in chunks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from calldata.engine.reading.source import ReadError, SourceInfo
from calldata.engine.reading.text import unique_headers

XLSX_CHUNK_ROWS = 50_000


def xlsx_headers(path: Path) -> list[str]:
    rows = _xlsx_rows(path)
    for row in rows:
        if any(v not in (None, "") for v in row):
            return unique_headers([cell_text(v) for v in row])
    raise ReadError("The Excel workbook's first sheet is empty.")


def _xlsx_rows(path: Path) -> Iterator[tuple]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise xlsx_error(error) from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as error:  # the sheet's XML is parsed as the rows are read
                raise xlsx_error(error) from error
            yield row
    finally:
        workbook.close()


def xlsx_error(error: Exception) -> ReadError:
    causes: list[str] = []
    cause: BaseException | None = error
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


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_chunks(info: SourceInfo, columns: list[str] | None) -> Iterator[pd.DataFrame]:
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
        values = [cell_text(v) for v in row[:width]]
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
