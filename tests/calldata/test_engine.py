"""The pure pandas engine on small messy files (no Django)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calldata.engine import tree as tree_engine
from calldata.engine.fields import CATEGORIES
from calldata.engine.mapping import propose_mapping
from calldata.engine.pipeline import read_parquet, run_import
from calldata.engine.reading import ReadError, open_source, preview
from calldata.engine.scenario import Calls, evaluate
from calldata.engine.staffing import erlang_c, share_answered, teams_needed
from calldata.engine.taxonomy import Classifier, apco_categories
from calldata.engine.timestamps import ParseStats, parse_timestamps
from tests.calldata import files


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _import(tmp_path: Path, name: str, content: bytes, tz: str = "America/New_York"):
    path = _write(tmp_path, name, content)
    info = open_source(path, work_dir=tmp_path / "w")
    mapping = propose_mapping(info.headers, preview(info))
    result = run_import(
        path, mapping=mapping, tz=tz, out_dir=tmp_path / "out", work_dir=tmp_path / "w2"
    )
    return result, read_parquet(tmp_path / "out")


def test_a_semicolon_file_is_read_with_its_delimiter(tmp_path):
    info = open_source(_write(tmp_path, "a.csv", files.semicolon_csv()), work_dir=tmp_path)
    assert info.delimiter == ";"
    assert info.headers[0] == "Incident Number"


def test_a_windows_1252_file_is_detected_and_read(tmp_path):
    result, df = _import(tmp_path, "a.csv", files.cp1252_csv())
    assert result.report["source"]["encoding"] == "cp1252"
    assert "PERSONNE EN DÉTRESSE – CAFÉ" in set(df["call_type"].astype(str))


def test_a_byte_order_mark_does_not_spoil_the_first_header(tmp_path):
    info = open_source(_write(tmp_path, "a.csv", files.bom_csv()), work_dir=tmp_path)
    assert info.encoding == "utf-8-sig"
    assert info.headers[0] == "Incident Number"
    assert propose_mapping(info.headers)["fields"]["incident_id"] == "Incident Number"


def test_empty_rows_are_skipped_and_counted(tmp_path):
    result, df = _import(tmp_path, "a.csv", files.empty_rows_csv())
    assert len(df) == 3
    assert result.report["empty_rows"] == 2


def test_two_date_formats_in_one_column_are_both_read_and_reported(tmp_path):
    result, df = _import(tmp_path, "a.csv", files.two_formats_csv())
    assert len(df) == 4
    formats = result.report["timestamps"]["received_at"]["formats"]
    assert len(formats) == 2
    local = df.sort_values("line")["received_at"].dt.tz_convert("America/New_York")
    assert [t.strftime("%Y-%m-%d %H:%M") for t in local] == [
        "2024-03-15 09:23",
        "2024-03-16 21:05",
        "2024-03-17 10:00",
        "2024-03-18 08:00",
    ]


def test_excel_workbooks_with_real_dates_and_serial_numbers_are_read(tmp_path):
    result, df = _import(tmp_path, "calls.xlsx", files.xlsx_bytes())
    local = df.sort_values("line")["received_at"].dt.tz_convert("America/New_York")
    assert [t.strftime("%Y-%m-%d %H:%M") for t in local] == [
        "2024-03-15 09:23",
        "2024-03-15 12:00",
        "2024-03-16 22:00",
    ]
    assert result.report["timestamps"]["received_at"]["formats"]["Excel serial date"] == 1


def test_quoted_values_with_line_breaks_and_commas_stay_one_row(tmp_path):
    """A file with quotes may hold line breaks inside a value: it is read with Arrow's
    quote-aware splitting; a file without any quote gets the faster one."""
    rows = list(files.ROWS)
    rows[1] = rows[1].replace(",REPORT,", ',"REPORT, ARREST\nFOLLOW-UP",')
    rows[2] = rows[2].replace("NOISE COMPLAINT", '"NOISE COMPLAINT"')
    quoted = files.csv_text(rows=rows).encode("utf-8")
    assert (
        open_source(
            _write(tmp_path, "plain.csv", files.csv_text().encode()), work_dir=tmp_path
        ).quoted
        is False
    )
    info = open_source(_write(tmp_path, "quoted.csv", quoted), work_dir=tmp_path)
    assert info.quoted is True
    result, calls = _import(tmp_path, "quoted.csv", quoted)
    (tmp_path / "p").mkdir()
    plain, plain_calls = _import(tmp_path / "p", "plain.csv", files.csv_text().encode())
    assert result.report["rows_read"] == plain.report["rows_read"] == len(files.ROWS)
    calls = calls.sort_values("line", ignore_index=True)
    plain_calls = plain_calls.sort_values("line", ignore_index=True)
    assert calls["line"].tolist() == plain_calls["line"].tolist()
    assert calls["call_type"].astype(str).tolist() == plain_calls["call_type"].astype(str).tolist()
    assert "REPORT, ARREST\nFOLLOW-UP" in calls["disposition"].astype(str).tolist()


def test_a_zip_holding_one_csv_is_unpacked(tmp_path):
    result, df = _import(tmp_path, "calls.zip", files.zipped("calls.csv", files.semicolon_csv()))
    assert result.report["source"]["member"] == "calls.csv"
    assert len(df) > 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"empty \(0 bytes\)"),
        (files.PNG, "not a CSV, Excel"),
        (files.zipped("a.csv", b"x") + b"", None),
    ],
)
def test_unreadable_files_raise_a_clear_message(tmp_path, content, message):
    path = _write(tmp_path, "calls.csv", content)
    if message is None:
        open_source(path, work_dir=tmp_path / "w")  # a good zip is fine
        return
    with pytest.raises(ReadError, match=message):
        open_source(path, work_dir=tmp_path / "w")


def test_the_data_quality_rules_drop_merge_and_flag(tmp_path):
    result, df = _import(tmp_path, "a.csv", files.csv_text().encode())
    report = result.report
    assert report["rows_dropped"] == 1
    (dropped,) = report["dropped"].values()
    assert dropped["examples"][0]["line"] == 5
    assert report["duplicates"]["records_merged"] == 1
    merged = df[df["incident_id"] == "24-0006"].iloc[0]
    assert merged["call_type"] == "SUSPICIOUS PERSON W/WEAPON"
    assert merged["units"] == 2
    assert bool(merged["weapon"])
    assert report["flagged"]["dispatched before received"]["count"] == 1
    assert "zero or negative time on scene" not in report["flagged"]
    violent = df[df["incident_id"] == "24-0002"].iloc[0]
    assert bool(violent["violence"]) and bool(violent["urgent"])
    initiated = dict(zip(df["incident_id"], df["initiated"].astype(str), strict=False))
    assert initiated["24-0005"] == "officer"
    assert report["initiated"]["public"] == 5


def test_cleared_before_arrival_is_flagged_and_its_duration_ignored(tmp_path):
    rows = [
        "Z1,NOISE,3,03/15/2024 09:00:00,03/15/2024 09:05:00,"
        "03/15/2024 09:20:00,03/15/2024 09:10:00,,B1,911,1"
    ]
    result, df = _import(tmp_path, "a.csv", files.csv_text(rows=rows).encode())
    assert result.report["flagged"]["cleared before arrival"]["count"] == 1
    assert result.report["flagged"]["zero or negative time on scene"]["count"] == 1
    assert df["time_on_task_min"].isna().all()


def test_separate_date_and_time_columns_are_combined_across_daylight_saving(tmp_path):
    result, df = _import(tmp_path, "a.csv", files.split_date_time_csv())
    stats = result.report["timestamps"]["received_at"]
    assert stats["ambiguous_resolved"] == 1
    assert stats["nonexistent_shifted"] == 1
    by_id = dict(zip(df["incident_id"], df["received_at"], strict=False))
    assert by_id["E1"] == pd.Timestamp("2024-11-03 05:30:00", tz="UTC")  # EDT reading
    assert by_id["E2"] == pd.Timestamp("2024-03-10 07:30:00", tz="UTC")  # moved to 03:30 EDT
    assert by_id["E3"] == pd.Timestamp("2024-07-05 01:15:00", tz="UTC")


def test_compact_timestamps_use_their_zone_suffix_for_the_repeated_hour():
    stats = ParseStats()
    parsed = parse_timestamps(
        pd.Series(["20241103013000PD", "20241103013000PS", "20240315092336PD"]),
        "America/Los_Angeles",
        stats,
    )
    assert list(parsed) == [
        pd.Timestamp("2024-11-03 08:30", tz="UTC"),
        pd.Timestamp("2024-11-03 09:30", tz="UTC"),
        pd.Timestamp("2024-03-15 16:23:36", tz="UTC"),
    ]


def test_a_file_with_no_recognisable_columns_proposes_nothing():
    assert propose_mapping(["colour", "flavour", "size"]) == {"fields": {}, "flags": {}}


def test_common_cad_header_names_are_recognised():
    mapping = propose_mapping(
        [
            "Incident Number",
            "Nature Code",
            "Priority",
            "Call Received",
            "Dispatch Time",
            "Arrival Time",
            "Clear Time",
            "Disposition",
            "Beat",
            "Call Source",
            "Units",
        ]
    )["fields"]
    assert mapping == {
        "incident_id": "Incident Number",
        "call_type": "Nature Code",
        "priority": "Priority",
        "received_at": "Call Received",
        "dispatched_at": "Dispatch Time",
        "arrived_at": "Arrival Time",
        "cleared_at": "Clear Time",
        "disposition": "Disposition",
        "beat": "Beat",
        "source": "Call Source",
        "units": "Units",
    }


def test_every_apco_common_incident_type_has_a_category(apco_path):
    with apco_path.open(encoding="utf-8") as handle:
        codes = {row["code"].upper() for row in csv.DictReader(handle)}
    mapping = apco_categories()
    assert codes == set(mapping)
    assert set(mapping.values()) <= set(CATEGORIES)
    assert mapping["MNTL"] == "behavioral_health"
    assert mapping["WELFARE"] == "welfare_check"
    assert mapping["SHOOT"] == "violent_crime"


def test_the_classifier_uses_apco_codes_and_keywords():
    classifier = Classifier()
    assert classifier.explain("MNTL") == ("behavioral_health", "APCO/NENA code MNTL")
    assert classifier.explain("MENTAL CASE-VIOLENT OR URGENT")[0] == "behavioral_health"
    assert classifier.explain("Crash - Property damage only")[0] == "traffic"
    assert classifier.explain("Prohibited Acts")[0] == "administrative"
    assert classifier.explain("XYZZY")[0] == "other"
    assert classifier.explain("Foot Patrol")[0] == "administrative"


def test_erlang_c_matches_a_textbook_value():
    # 2 servers, offered load 1 Erlang: P(wait) = 1/3.
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert share_answered(2, 1.0, 60, 0) == pytest.approx(2 / 3)
    assert teams_needed(0, 45, 0.9, 15) == 0
    assert teams_needed(3, 60, 0.9, 15) >= 4


def _calls(n: int = 400) -> Calls:
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "call_type": rng.choice(["WELFARE CHECK", "NOISE", "ASSAULT", "MENTAL HEALTH"], n),
            "priority_level": rng.integers(1, 4, n),
            "hour": rng.integers(0, 24, n).astype("int8"),
            "local_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 28, n), "D"),
            "weapon": rng.random(n) < 0.1,
            "violence": rng.random(n) < 0.1,
            "injury": np.zeros(n, bool),
            "initiated": "public",
            "cancelled": False,
            "unit_hours": np.full(n, 0.5),
            "time_on_task_min": np.full(n, 30.0),
            "flag_mental_health": rng.random(n) < 0.2,
        }
    )
    df["how"] = (pd.Series(rng.integers(0, 7, n)) * 24 + df["hour"]).astype("int16")
    categories = {
        "WELFARE CHECK": "welfare_check",
        "NOISE": "noise_disturbance",
        "ASSAULT": "violent_crime",
        "MENTAL HEALTH": "behavioral_health",
    }
    return Calls.from_frame(df, categories)


def test_a_scenario_counts_eligible_calls_and_sizes_the_team():
    calls = _calls()
    everything = evaluate(
        calls, {"categories": list(CATEGORIES), "exclude_weapon": False, "exclude_violence": False}
    )
    assert everything["eligible_calls"] == 400
    result = evaluate(calls, {"categories": ["welfare_check"], "hours_from": 8, "hours_to": 20})
    df = calls.frame
    expected = (
        (df["category"] == "welfare_check")
        & ~df["weapon"]
        & ~df["violence"]
        & df["hour"].between(8, 19)
    ).sum()
    assert result["eligible_calls"] == expected
    assert result["per_day"] == round(expected / 28, 2)
    assert result["staffing"]["peak_teams"] >= 1
    assert len(result["hour_of_week"]) == 7
    assert result["unit_hours"]["estimated"] is False


def test_a_behavioural_flag_makes_calls_eligible():
    calls = _calls()
    result = evaluate(
        calls,
        {"include_flags": ["mental_health"], "exclude_weapon": False, "exclude_violence": False},
    )
    assert result["eligible_calls"] == int(calls.frame["flag_mental_health"].sum())


def test_the_decision_tree_sends_every_call_to_exactly_one_leaf():
    calls = _calls()
    tree_engine.validate(tree_engine.DEFAULT_TREE)
    result = tree_engine.apply(tree_engine.DEFAULT_TREE, calls.frame, calls.days)
    assert sum(leaf["count"] for leaf in result["leaves"]) == 400
    assert result["by_outcome"]["alternative"] > 0


def test_an_invalid_tree_is_refused_with_the_path_of_the_problem():
    with pytest.raises(tree_engine.TreeError, match=r"root\.yes"):
        tree_engine.validate(
            {
                "question": "Q?",
                "test": {"kind": "marker", "name": "weapon"},
                "yes": {"leaf": "nobody"},
                "no": {"leaf": "police"},
            }
        )


def test_a_zip_whose_csv_is_corrupt_inside_says_so(tmp_path):
    """Damaged deflated data in the member: a clear message when it is unpacked, not zlib's
    error from inside the import."""
    content = bytearray(files.zipped("calls.csv", files.csv_text().encode() * 50))
    content[30 + len("calls.csv")] = 0xFF  # the first byte of the member's deflated data
    path = _write(tmp_path, "calls.zip", bytes(content))
    with pytest.raises(ReadError, match=r"cannot be unpacked|damaged"):
        open_source(path, work_dir=tmp_path / "w", extract=True)
