# ruff: noqa: E501  (rows of a CAD export read best one per line)
"""Small CAD exports in the shapes real ones come in, made in memory for tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

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


# An export of codes, as many CAD systems ship one, with its code tables beside it
# (tests/calldata/fixtures/): call types from California penal-code and radio-code lists
# ("5150", "415", "459", "10851") and agency codes ("CW", "SELENF", "WELCK"), dispositions
# ("CAN", "GOA") and beats as codes. "PDINFO" is a code the table does not list.
FIXTURES = Path(__file__).parent / "fixtures"
CODED_MIX = {
    "5150": 6, "800": 3, "801": 1, "CW": 6, "WELCK": 8, "415": 9, "415N": 5, "418": 3,
    "417": 1, "245": 2, "242": 3, "273D": 3, "211": 1, "459": 4, "459A": 4, "487": 2,
    "488": 3, "594": 3, "10851": 3, "SELENF": 6, "1181": 1, "1182": 3, "586": 3, "917": 2,
    "909": 2, "602": 3, "915": 3, "647F": 2, "11550": 1, "916": 4, "SUSVEH": 2, "911H": 3,
    "CIVIL": 1, "FU": 2, "MISPER": 1, "PDINFO": 2,
}  # fmt: skip
CODED_HEADER = "INCIDENT_NO,CALL_TYPE,PRIORITY,TIME_RECEIVED,TIME_DISPATCHED,TIME_ARRIVED,TIME_CLEARED,DISPO,BEAT,CALL_SOURCE"


def coded_export(weeks: int = 4) -> bytes:
    """A police CAD export whose call types, dispositions and beats are codes (deterministic:
    the mix above, repeated once a week)."""
    cycle = [code for code, weight in CODED_MIX.items() for _ in range(weight)]
    dispositions = ["ADV", "RPT", "GOA", "CAN", "ARR", "CIT", "HAN", "UNF"]
    beats = ["1A1", "1A2", "2B1", "2B2", "3C1"]
    lines = [CODED_HEADER]
    number = 0
    for week in range(weeks):
        for index, code in enumerate(cycle):
            number += 1
            received = dt.datetime(
                2024, 3, 1 + week * 7 + index % 7, (index * 5) % 24, (index * 13) % 60
            )
            dispatched = received + dt.timedelta(minutes=3 + index % 5)
            arrived = dispatched + dt.timedelta(minutes=6 + index % 11)
            cleared = arrived + dt.timedelta(minutes=20 + index % 40)
            lines.append(
                f"24-{number:05d},{code},{1 + index % 4},{received:%Y-%m-%d %H:%M:%S},"
                f"{dispatched:%Y-%m-%d %H:%M:%S},{arrived:%Y-%m-%d %H:%M:%S},"
                f"{cleared:%Y-%m-%d %H:%M:%S},{dispositions[index % len(dispositions)]},"
                f"{beats[index % len(beats)]},{'911' if index % 3 else 'SELF'}"
            )
    return ("\n".join(lines) + "\n").encode()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def code_table(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def coded_zip() -> bytes:
    """The coded export with its three code tables in one .zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("calls-2024-03.csv", coded_export())
        for name in ("call_type_codes.csv", "disposition_codes.csv", "beat_codes.csv"):
            archive.writestr(f"codes/{name}", code_table(name))
    return buffer.getvalue()


def yearly_export(year: int, calls: int = 60, carried: int = 0) -> bytes:
    """One year of a city's calls (the same columns every year). `carried`: how many of the
    previous year's last incidents this file repeats, as a year-end export often does."""
    kinds = ["WELFARE CHECK", "NOISE COMPLAINT", "MENTAL HEALTH", "THEFT", "TRAFFIC STOP"]
    rows = []
    for back in range(carried, 0, -1):
        number = calls - back + 1
        rows.append(
            f"{year - 1}-{number:04d},{kinds[number % 5]},3,12/{31 - (back - 1) % 3:02d}/"
            f"{year - 1} 20:00:00,,,,ADVISED,B{1 + number % 3},911,1"
        )
    for number in range(1, calls + 1):
        day = 1 + (number * 6) % 360
        received = dt.datetime(year, 1, 1, 8) + dt.timedelta(days=day - 1, minutes=number * 7)
        if number > calls - 3:
            received = dt.datetime(year, 12, 31 - (calls - number) % 3, 20)
        rows.append(
            f"{year}-{number:04d},{kinds[number % 5]},3,{received:%m/%d/%Y %H:%M:%S},,,,"
            f"ADVISED,B{1 + number % 3},911,1"
        )
    return csv_text(rows=rows).encode()
