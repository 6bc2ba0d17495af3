"""Reading a new export right the first time: every row accounted for, disposition codes,
unknown beats, the right clock, composite columns and cut-off files (engine, no Django)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calldata.engine.code_lists import ReadingRules
from calldata.engine.codes import read_code_table
from calldata.engine.mapping import propose_mapping
from calldata.engine.pipeline import read_parquet, run_import
from calldata.engine.reading import ReadError, open_source, preview
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


CODE_TABLES = {
    "call_type": "call_type_codes.csv",
    "disposition": "disposition_codes.csv",
    "beat": "beat_codes.csv",
}


def _code_tables(**extra: dict[str, str]) -> dict[str, dict[str, str]]:
    """{kind: {code: description}} of the coded export's tables (tests/calldata/fixtures/),
    with `extra` codes added to a kind's table."""
    return {
        kind: read_code_table(files.code_table(name), name).entries | extra.get(kind, {})
        for kind, name in CODE_TABLES.items()
    }


def _coded_with_duplicates() -> bytes:
    """The coded export with its HAN dispositions written DUP, as a centre marks duplicates."""
    return files.coded_export().replace(b",HAN,", b",DUP,")


def _yearly(year: int) -> bytes:
    # Each year repeats the previous year's last two incidents: merged across the files.
    return files.yearly_export(year, calls=60, carried=0 if year == 2022 else 2)


def _coded_and_several() -> dict[str, tuple[dict[str, bytes], dict | None]]:
    """Part B's fixtures: {name: ({file name: content}, code tables)}; several files are read
    as one analysis (a combination of imports)."""
    return {
        "coded.csv with its code tables": ({"coded.csv": files.coded_export()}, _code_tables()),
        "coded.csv without code tables": ({"coded.csv": files.coded_export()}, None),
        "coded.csv with DUP dispositions": ({"dup.csv": _coded_with_duplicates()}, _code_tables()),
        "coded zip with its code tables inside": ({"coded.zip": files.coded_zip()}, _code_tables()),
        "zip of three yearly exports": (
            {"years.zip": files.zip_of({f"calls-{y}.csv": _yearly(y) for y in (2022, 2023, 2024)})},
            None,
        ),
        "three yearly imports combined": (
            {f"calls-{y}.csv": _yearly(y) for y in (2022, 2023, 2024)},
            None,
        ),
        "a zip of two years combined with a third": (
            {
                "early.zip": files.zip_of({f"calls-{y}.csv": _yearly(y) for y in (2022, 2023)}),
                "calls-2024.csv": _yearly(2024),
            },
            None,
        ),
        "coded imports combined, one cut off": (
            {
                "coded.csv": files.coded_export(),
                "cut.csv": _coded_with_duplicates()[:-30],
            },
            _code_tables(),
        ),
    }


def _import(tmp_path: Path, name: str, content: bytes, *, mapping: dict | None = None, **kw):
    return _import_files(tmp_path, {name: content}, mapping=mapping, **kw)


def _import_files(tmp_path: Path, contents: dict[str, bytes], *, mapping=None, **kw):
    """Import one file, or several read as one (as a combination of imports is)."""
    paths = []
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(content)
    info = open_source(paths[0], work_dir=tmp_path / "look")
    mapping = mapping or propose_mapping(info.headers, preview(info))
    result = run_import(
        paths[0] if len(paths) == 1 else paths,
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


@pytest.mark.parametrize("name", sorted(_coded_and_several()))
def test_every_row_of_coded_and_several_file_exports_is_accounted_for(tmp_path, name):
    contents, tables = _coded_and_several()[name]
    result, calls = _import_files(tmp_path, contents, code_tables=tables)
    _assert_every_row_accounted_for(result.report)
    assert len(calls) == result.report["rows_kept"]


def test_merges_across_several_files_are_part_of_the_identity(tmp_path):
    contents, _ = _coded_and_several()["three yearly imports combined"]
    result, _ = _import_files(tmp_path, contents)
    accounting = result.report["accounting"]
    assert accounting["rows_read"] == 60 * 3 + 2 * 2
    assert accounting["merged"] == 4 and accounting["kept"] == 180


def test_every_file_of_several_that_is_cut_off_is_named_in_the_warnings(tmp_path):
    contents, tables = _coded_and_several()["coded imports combined, one cut off"]
    result, _ = _import_files(tmp_path, contents, code_tables=tables)
    (warning,) = [w for w in result.report["warnings"] if w["kind"] == "cut_off"]
    assert warning["file"] == "cut.csv" and warning["message"].startswith("“cut.csv”: ")
    (example,) = result.report["rejected"]["wrong number of fields"]["examples"]
    assert example["file"] == "cut.csv" and example["line"] == warning["line"]


@pytest.mark.parametrize("extract", [True, False])
def test_a_cut_off_export_in_a_zip_of_several_is_named_before_the_import(tmp_path, extract):
    path = tmp_path / "two.zip"
    path.write_bytes(
        files.zip_of({"a.csv": files.coded_export(), "b.csv": files.coded_export()[:-30]})
    )
    info = open_source(path, work_dir=tmp_path / "look", extract=extract)
    cut = [n for n in info.notes if "cut off" in n]
    assert len(cut) == 1 and cut[0].startswith("“b.csv”: The file is cut off")


def test_several_files_without_a_usable_call_name_the_file_of_each_line(tmp_path):
    no_times = files.csv_text(rows=[r.replace("03/1", "xx/1") for r in files.ROWS]).encode()
    with pytest.raises(ReadError) as error:
        _import_files(tmp_path, {"a.csv": no_times, "b.csv": no_times})
    assert "received time unreadable: 14 (first lines a.csv 2, a.csv 3" in str(error.value)


def test_dup_dispositions_are_counted_by_code_whether_or_not_a_table_describes_them(tmp_path):
    duplicates = _coded_with_duplicates().count(b",DUP,")
    assert duplicates > 0
    undescribed, _ = _import(
        tmp_path / "a", "dup.csv", _coded_with_duplicates(), code_tables=_code_tables()
    )
    described, calls = _import(
        tmp_path / "b",
        "dup.csv",
        _coded_with_duplicates(),
        code_tables=_code_tables(disposition={"DUP": "Duplicate call"}),
    )
    for report in (undescribed.report, described.report):
        assert report["dropped"]["disposition DUP"]["count"] == duplicates
        assert report["rows_dropped"] == duplicates
        _assert_every_row_accounted_for(report)
    assert undescribed.report["code_tables"]["disposition"]["not_described"][0]["code"] == "DUP"
    assert not any(str(d).startswith("DUP") for d in calls["disposition"].dropna())


def test_described_dispositions_are_read_by_their_code_then_their_description(tmp_path):
    # CAN is a proposed cancel code; "C" is not, but its table says "Cancelled by caller";
    # "X" is not a code anyone proposed, and its description says it is a duplicate.
    text = files.coded_export().replace(b",HAN,", b",C,").replace(b",ARR,", b",X,")
    tables = _code_tables(disposition={"C": "Cancelled by caller", "X": "Duplicate entry"})
    result, calls = _import(tmp_path, "c.csv", text, code_tables=tables)
    cancelled = calls.loc[calls["cancelled"], "disposition"].astype(str)
    assert set(cancelled) == {"CAN — Cancelled by caller", "C — Cancelled by caller"}
    assert result.report["dropped"]["disposition X"]["count"] == text.count(b",X,")
    _assert_every_row_accounted_for(result.report)


def test_placeholder_beats_stay_unknown_when_a_beat_table_lists_them(tmp_path):
    beats = {"B1": "North", "B2": "South", "B3": "East", "-1": "Not known", "UNK": "Unknown"}
    result, calls = _import(
        tmp_path, "d.csv", exports.DISPOSITIONS.encode(), code_tables={"beat": beats}
    )
    assert set(calls["beat"].dropna().astype(str)) == {"B1 — North", "B2 — South", "B3 — East"}
    assert result.report["unknown"]["beat unknown"]["count"] == 3
    assert result.report["code_tables"]["beat"]["rows_not_described"] == 0
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


def _proposal(text: str) -> dict:
    lines = [line.split(",") for line in text.strip().splitlines()]
    return propose_mapping(lines[0], lines[1:])


def test_a_san_jose_export_takes_its_compact_stamp_not_the_date_only_report_date():
    mapping = _proposal(exports.SAN_JOSE)
    fields = mapping["fields"]
    assert fields["received_at"] == "CDTS"
    assert "REPORT_DATE" not in fields.values()
    assert fields["disposition"] == "FINAL_DISPO"
    assert fields["incident_id"] == "CALL_NUMBER"


def test_without_a_stamp_the_offense_date_and_time_pair_is_proposed_not_the_report_date():
    lines = [line.split(",") for line in exports.SAN_JOSE.strip().splitlines()]
    keep = [i for i, h in enumerate(lines[0]) if h != "CDTS"]
    headers = [lines[0][i] for i in keep]
    rows = [[row[i] for i in keep] for row in lines[1:]]
    mapping = propose_mapping(headers, rows)
    fields = mapping["fields"]
    assert "received_at" not in fields
    assert fields["received_date"] == "OFFENSE_DATE"
    assert fields["received_clock"] == "OFFENSE_TIME"
    assert any("OFFENSE_TIME" in n and "REPORT_DATE" in n for n in mapping["notes"])


def test_a_lone_date_column_is_proposed_with_a_note_that_calls_will_fall_at_midnight():
    mapping = _proposal(exports.MIDNIGHT)
    assert mapping["fields"]["received_at"] == "Report Date"
    assert "midnight" in mapping["notes"][0]


def test_the_san_jose_export_is_read_at_the_right_hour_with_its_dispositions(tmp_path):
    result, calls = _import(tmp_path, "sj.csv", exports.SAN_JOSE.encode())
    report = result.report
    assert report["dropped"]["disposition Duplicate"]["count"] == 1
    local = calls.set_index("incident_id")["received_at"].dt.tz_convert("America/Los_Angeles")
    assert local["P240610002"].strftime("%H:%M:%S") == "08:45:31"
    assert bool(calls.set_index("incident_id").loc["P240610002", "cancelled"])
    # The repeated autumn hour: PD is the first 01:30, PS the second, an hour later.
    assert (local["P243080007"] - local["P243080006"]).total_seconds() == 3600
    assert set(calls["hour"]) != {0}
    _assert_every_row_accounted_for(report)


def test_a_split_address_is_proposed_and_assembled_from_its_columns(tmp_path):
    mapping = _proposal(exports.SPLIT_ADDRESS)
    assert mapping["address_parts"] == {
        "number": "Street Number",
        "direction": "Street Direction",
        "road": "Street Name",
        "suffix": "Street Suffix",
        "cross": "Cross Street",
    }
    assert mapping["fields"]["received_date"] == "Call Date"
    assert mapping["fields"]["received_clock"] == "Call Time"
    _, calls = _import(tmp_path, "a.csv", exports.SPLIT_ADDRESS.encode(), mapping=mapping)
    addresses = dict(zip(calls["incident_id"], calls["address"], strict=True))
    assert addresses == {
        "E1": "1200 N MAIN ST",
        "E2": "45 ELM AVE & OAK ST",
        "E3": "PARK DR & LAKE RD",
    }
    assert calls.set_index("incident_id").loc["E2", "hour"] == 22


def test_a_cut_off_file_is_reported_with_its_last_line_and_the_bytes_after_the_last_whole_line(
    tmp_path,
):
    result, calls = _import(tmp_path, "t.csv", exports.TRUNCATED.encode())
    report = result.report
    (warning,) = [w for w in report["warnings"] if w["kind"] == "cut_off"]
    assert warning["line"] == 5
    assert warning["bytes"] == len("T4,WELFARE CHECK,3,2024-05-01 09:0")
    assert "line 5" in warning["message"] and "cut off" in warning["message"]
    cut = report["rejected"]["wrong number of fields"]
    assert cut["count"] == 1 and cut["examples"][0]["line"] == 5  # never "line 0"
    assert sorted(calls["incident_id"]) == ["T1", "T2", "T3"]
    _assert_every_row_accounted_for(report)


def test_a_last_line_without_a_line_break_is_not_a_cut_off_file(tmp_path):
    whole = exports.TRUNCATED.rsplit("\n", 1)[0]
    result, calls = _import(tmp_path, "t.csv", whole.encode())
    assert not [w for w in result.report["warnings"] if w["kind"] == "cut_off"]
    assert len(calls) == 3


def test_received_times_all_at_midnight_are_a_warning_of_the_import(tmp_path):
    result, _ = _import(tmp_path, "m.csv", exports.MIDNIGHT.encode())
    (warning,) = result.report["warnings"]
    assert warning["kind"] == "midnight"
    assert warning["message"].startswith("Every call (4 of 4) were received at midnight")


def test_calls_spread_over_the_day_give_no_clock_warning(tmp_path):
    result, _ = _import(tmp_path, "sj.csv", exports.SAN_JOSE.encode())
    assert result.report["warnings"] == []


def test_a_tree_priority_question_follows_the_scale_of_the_jurisdiction():
    import pandas as pd

    from calldata.engine.tree import apply

    tree = {
        "question": "Most urgent?",
        "test": {"kind": "priority_at_most", "value": 5},
        "yes": {"leaf": "police"},
        "no": {"leaf": "alternative"},
    }
    calls = pd.DataFrame({"priority_level": pd.array([1, 3, 5], dtype="Int16")})
    lower = {leaf["leaf"]: leaf["count"] for leaf in apply(tree, calls, 1)["leaves"]}
    higher = {
        leaf["leaf"]: leaf["count"]
        for leaf in apply(tree, calls, 1, higher_is_urgent=True)["leaves"]
    }
    assert lower == {"police": 3, "alternative": 0}
    assert higher == {"police": 1, "alternative": 2}


def test_every_row_of_a_streamed_file_with_merged_incidents_is_accounted_for(tmp_path, monkeypatch):
    from calldata.engine import pipeline
    from calldata.engine.reading import chunks
    from tests.calldata.test_streaming import _messy_file

    path = _messy_file(tmp_path / "calls.csv")
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 16 * 1024)
    monkeypatch.setattr(pipeline, "BUCKET_ROWS", 100)
    result, calls = _import(tmp_path, "calls.csv", path.read_bytes(), frame_bytes=16 * 1024)
    report = result.report
    assert report["duplicates"]["records_merged"] > 0 and report["rows_dropped"] > 0
    assert report["rejected"]["no call type"]["count"] == 60
    assert len(calls) == report["rows_kept"]
    _assert_every_row_accounted_for(report)


def test_a_line_with_the_wrong_number_of_fields_is_rejected_at_its_line(tmp_path):
    text = exports.DISPOSITIONS.replace(
        "D7,TRAFFIC HAZARD,3,2024-05-01 12:00:00,RPT,B2\n",
        "D7,TRAFFIC HAZARD,3,2024-05-01 12:00:00,RPT,B2,EXTRA,FIELDS\n",
    )
    result, _ = _import(tmp_path, "d.csv", text.encode())
    bad = result.report["rejected"]["wrong number of fields"]
    assert bad["count"] == 1 and bad["examples"][0]["line"] == 8
    _assert_every_row_accounted_for(result.report)


def test_a_long_skipped_line_is_found_by_its_start(tmp_path):
    long_remark = "x" * 300
    text = exports.DISPOSITIONS.replace(
        "D7,TRAFFIC HAZARD,3,2024-05-01 12:00:00,RPT,B2\n",
        f"D7,TRAFFIC HAZARD,3,2024-05-01 12:00:00,RPT,B2,{long_remark}\n",
    )
    result, _ = _import(tmp_path, "d.csv", text.encode())
    (example,) = result.report["rejected"]["wrong number of fields"]["examples"]
    assert example["line"] == 8 and example["value"].startswith("D7,TRAFFIC HAZARD")


def test_placeholder_beats_are_counted_as_read_as_unknown(tmp_path):
    result, _ = _import(tmp_path, "d.csv", exports.DISPOSITIONS.encode())
    unknown = result.report["unknown"]["beat unknown"]
    assert unknown["count"] == 3  # -1, UNK, 0 (D9's blank beat is simply missing)
    assert [(e["incident_id"], e["value"]) for e in unknown["examples"]] == [
        ("D3", "-1"),
        ("D5", "UNK"),
        ("D6", "0"),
    ]


def test_dispatch_and_clear_times_of_day_take_their_date_column_or_the_received_date(tmp_path):
    text = (
        "Event Number,Nature,Call Date,Call Time,Dispatch Date,Dispatch Time,Clear Time\n"
        "E1,WELFARE CHECK,2024-06-01,23:40:00,2024-06-01,23:50:00,00:35:00\n"
        "E2,NOISE,2024-06-02,10:00:00,2024-06-02,10:05:00,10:45:00\n"
    )
    mapping = _proposal(text)
    assert mapping["fields"]["dispatched_at"] == "Dispatch Date"
    assert mapping["clock_columns"] == {
        "dispatched_at": "Dispatch Time",
        "cleared_at": "Clear Time",
    }
    assert mapping["fields"]["cleared_at"] == "Call Date"
    assert any("“Clear Time” holds times of day only" in note for note in mapping["notes"])
    result, calls = _import(tmp_path, "e.csv", text.encode(), mapping=mapping)
    by_id = calls.set_index("incident_id")
    local = {
        name: by_id[name].dt.tz_convert("America/Los_Angeles").dt.strftime("%Y-%m-%d %H:%M")
        for name in ("received_at", "dispatched_at", "cleared_at")
    }
    assert local["dispatched_at"]["E1"] == "2024-06-01 23:50"
    assert local["cleared_at"]["E1"] == "2024-06-02 00:35"  # after midnight: the next day
    assert local["cleared_at"]["E2"] == "2024-06-02 10:45"
    assert "cleared before arrival" not in result.report["flagged"]
