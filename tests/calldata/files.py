# ruff: noqa: E501  (rows of a CAD export read best one per line)
"""Small CAD exports in the shapes real ones come in, made in memory for tests."""

from __future__ import annotations

import io
import zipfile

HEADER = "Incident Number,Nature Code,Priority,Call Received,Dispatch Time,Arrival Time,Clear Time,Disposition,Beat,Call Source,Units"
ROWS = [
    "24-0001,WELFARE CHECK,3,03/15/2024 09:23:36,03/15/2024 09:25:00,03/15/2024 09:40:00,03/15/2024 10:10:00,ADVISED,B1,911,1",
    "24-0002,MENTAL CASE-VIOLENT OR URGENT,1,03/15/2024 10:00:00,03/15/2024 10:01:00,03/15/2024 10:09:00,03/15/2024 11:00:00,REPORT,B2,911,2",
    "24-0003,NOISE COMPLAINT,4,03/15/2024 23:10:00,03/15/2024 23:30:00,03/15/2024 23:45:00,03/15/2024 23:55:00,GONE ON ARRIVAL,B1,PHONE,1",
    "24-0004,TEST,5,03/16/2024 08:00:00,,,,VOID,B1,911,1",
    "24-0005,TRAFFIC STOP,4,03/16/2024 12:00:00,03/16/2024 12:00:00,03/16/2024 12:00:00,03/16/2024 12:20:00,CITATION,B3,SELF-INITIATED,1",
    "24-0006,SUSPICIOUS PERSON,3,03/16/2024 13:00:00,03/16/2024 12:50:00,03/16/2024 13:20:00,03/16/2024 13:10:00,ADVISED,B2,911,1",
    "24-0006,SUSPICIOUS PERSON W/WEAPON,2,03/16/2024 13:02:00,03/16/2024 13:05:00,03/16/2024 13:15:00,03/16/2024 13:40:00,ARREST,B2,911,1",
    "24-0007,INTOXICATED PERSON,3,03/17/2024 01:30:00,03/17/2024 01:35:00,03/17/2024 01:50:00,03/17/2024 02:30:00,TRANSPORTED,B3,911,1",
]


def csv_text(delimiter: str = ",", rows: list[str] | None = None) -> str:
    lines = [HEADER, *(rows if rows is not None else ROWS)]
    return "\n".join(line.replace(",", delimiter) for line in lines) + "\n"


def semicolon_csv() -> bytes:
    return csv_text(";").encode("utf-8")


def cp1252_csv() -> bytes:
    rows = [*ROWS, "24-0008,PERSONNE EN DÉTRESSE – CAFÉ,3,03/18/2024 10:00:00,,,,ADVISED,B1,911,1"]
    return csv_text(rows=rows).encode("cp1252")


def bom_csv() -> bytes:
    return b"\xef\xbb\xbf" + csv_text().encode("utf-8")


def empty_rows_csv() -> bytes:
    rows = [ROWS[0], ",,,,,,,,,,", ROWS[1], "", ",,,,,,,,,,", ROWS[2]]
    return csv_text(rows=rows).encode("utf-8")


def two_formats_csv() -> bytes:
    rows = [
        "A1,WELFARE CHECK,3,2024-03-15 09:23:36,,,,,B1,911,1",
        "A2,NOISE,3,03/16/2024 9:05 PM,,,,,B1,911,1",
        "A3,NOISE,3,2024-03-17 10:00:00,,,,,B1,911,1",
        "A4,WELFARE CHECK,3,03/18/2024 08:00 AM,,,,,B1,911,1",
    ]
    return csv_text(rows=rows).encode("utf-8")


def split_date_time_csv() -> bytes:
    return (
        b"Event No;Call Type;Call Date;Call Time;Zone\n"
        b"E1;WELFARE CHECK;2024-11-03;01:30:00;Z1\n"  # repeated hour (clocks go back)
        b"E2;NOISE;2024-03-10;02:30:00;Z1\n"  # skipped hour (clocks go forward)
        b"E3;NOISE;2024-07-04;21:15;Z2\n"
    )


def compact_csv() -> bytes:
    return (
        b"inci_id,nature,calltime\n"
        b"C1,WELFARE CHECK,20241103013000PD\n"
        b"C2,WELFARE CHECK,20241103013000PS\n"
        b"C3,NOISE,20240315092336PD\n"
    )


def xlsx_bytes(excel_dates: bool = True) -> bytes:
    import datetime as dt

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Incident ID", "Call Type", "Received", "Priority"])
    sheet.append(["X1", "WELFARE CHECK", dt.datetime(2024, 3, 15, 9, 23, 36), 3])
    sheet.append(["X2", "NOISE", 45366.5 if excel_dates else "2024-03-15 12:00", 4])
    sheet.append(["X3", "MENTAL HEALTH", dt.datetime(2024, 3, 16, 22, 0), 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
NO_RECOGNISABLE = b"colour,flavour,size\nred,lemon,3\nblue,mint,4\n"
