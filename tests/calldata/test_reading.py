"""Reading a new export right the first time: every row accounted for, disposition codes,
unknown beats, the right clock, composite columns and cut-off files (engine, no Django)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calldata.engine.codes import ReadingRules
from calldata.engine.mapping import propose_mapping
from calldata.engine.pipeline import read_parquet, run_import
from calldata.engine.reading import open_source, preview
from tests.calldata import exports, files
from tests.calldata.conftest import BURLINGTON, need


def _fixtures() -> dict[str, bytes]:
    return {
        "calls.csv": files.csv_text().encode(),
        "semicolon.csv": files.semicolon_csv(),
        "cp1252.csv": files.cp1252_csv(),
        "bom.csv": files.bom_csv(),
        "empty-rows.csv": files.empty_rows_csv(),
        "two-formats.csv": files.two_formats_csv(),
        "split-date-time.csv": files.split_date_time_csv(),
        "compact.csv": files.compact_csv(),
        "calls.xlsx": files.xlsx_bytes(),
        "text-dates.xlsx": files.xlsx_bytes(excel_dates=False),
        "calls.zip": files.zipped("calls.csv", files.csv_text().encode()),
        **exports.all_exports(),
    }


def _import(tmp_path: Path, name: str, content: bytes, *, mapping: dict | None = None, **kw):
    path = tmp_path / name
    path.write_bytes(content)
    info = open_source(path, work_dir=tmp_path / "look")
    mapping = mapping or propose_mapping(info.headers, preview(info))
    result = run_import(
        path,
        mapping=mapping,
        tz=kw.pop("tz", "America/Los_Angeles"),
        out_dir=tmp_path / "out",
        work_dir=tmp_path / "work",
        **kw,
    )
    return result, read_parquet(tmp_path / "out")


def _assert_every_row_accounted_for(report: dict) -> None:
    a = report["accounting"]
    assert a["rows_read"] == report["rows_read"]
    assert a["kept"] == report["rows_kept"]
    assert a["rejected"] == sum(item["count"] for item in report["rejected"].values())
    assert a["dropped"] == sum(item["count"] for item in report["dropped"].values())
    assert a["merged"] == report["duplicates"]["records_merged"]
    assert a["empty"] == report["empty_rows"]
    assert a["kept"] + a["rejected"] + a["dropped"] + a["empty"] + a["merged"] == a["rows_read"]
    assert a["balanced"] is True


@pytest.mark.parametrize("name", sorted(_fixtures()))
def test_every_row_read_is_kept_rejected_dropped_empty_or_merged(tmp_path, name):
    result, _ = _import(tmp_path, name, _fixtures()[name])
    _assert_every_row_accounted_for(result.report)


def test_every_row_of_the_burlington_export_is_accounted_for(tmp_path):
    result, calls = _import(tmp_path, "burlington.csv", need(BURLINGTON).read_bytes())
    _assert_every_row_accounted_for(result.report)
    assert result.report["rows_read"] == 10_830
    assert len(calls) == result.report["rows_kept"]


def test_duplicate_dispositions_are_dropped_and_counted_by_code_with_examples(tmp_path):
    result, calls = _import(tmp_path, "d.csv", exports.DISPOSITIONS.encode())
    report = result.report
    dropped = report["dropped"]
    assert dropped["disposition DUP"]["count"] == 2  # D2, and D9's first record
    assert [e["line"] for e in dropped["disposition DUP"]["examples"]] == [3, 10]
    assert dropped["disposition DUP"]["examples"][0]["incident_id"] == "D2"
    assert dropped["disposition DUP - Duplicate call"]["count"] == 1
    assert dropped["call type TEST"]["count"] == 1
    assert report["rows_dropped"] == 4
    assert report["rejected"]["no call type"]["count"] == 1
    assert report["empty_rows"] == 1
    # D9's DUP record was dropped, so its other record is a call of its own (nothing merged).
    assert report["duplicates"]["records_merged"] == 0
    assert sorted(calls["incident_id"]) == sorted(["D1", "D3", "D5", "D6", "D7", "D9"])
    _assert_every_row_accounted_for(report)


def test_cancel_and_unfounded_codes_are_kept_and_flagged(tmp_path):
    _, calls = _import(tmp_path, "d.csv", exports.DISPOSITIONS.encode())
    by_id = calls.set_index("incident_id")
    assert bool(by_id.loc["D3", "cancelled"]) and bool(by_id.loc["D6", "cancelled"])
    assert not bool(by_id.loc["D1", "cancelled"])
    assert bool(by_id.loc["D5", "unfounded"]) and not bool(by_id.loc["D5", "cancelled"])


def test_a_jurisdictions_own_codes_replace_the_proposed_ones(tmp_path):
    rules = ReadingRules(not_a_call=("VOID",), cancelled=("ADV",), unfounded=(), unknown=())
    result, calls = _import(tmp_path, "d.csv", exports.DISPOSITIONS.encode(), rules=rules)
    assert "disposition DUP" not in result.report["dropped"]
    by_id = calls.drop_duplicates("incident_id").set_index("incident_id")
    assert bool(by_id.loc["D1", "cancelled"]) and not bool(by_id.loc["D3", "cancelled"])
    assert "-1" in set(calls["beat"].astype(str))


def test_placeholder_beats_are_unknown_not_beats(tmp_path):
    _, calls = _import(tmp_path, "d.csv", exports.DISPOSITIONS.encode())
    by_id = calls.set_index("incident_id")
    for incident in ("D3", "D5", "D6"):  # -1, UNK, 0
        assert by_id.loc[incident, "beat"] is None or str(by_id.loc[incident, "beat"]) == "nan"
    assert set(calls["beat"].dropna().astype(str)) == {"B1", "B2", "B3"}
