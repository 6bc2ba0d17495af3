"""The import streams block by block: the same calls, summary and report as one pass in
memory, with incidents split across blocks merged, and scenarios from the compact table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calldata.engine import first_pass, pipeline
from calldata.engine.mapping import propose_mapping
from calldata.engine.normalise import Normaliser
from calldata.engine.pipeline import read_parquet, run_import
from calldata.engine.reading import chunks, open_source, preview, read_chunks
from calldata.engine.scenario import Calls, evaluate
from calldata.engine.scenario_table import FILENAME, ScenarioTable
from calldata.engine.summary import summarise
from tests.calldata.files import HEADER

TYPES = ["WELFARE CHECK", "NOISE COMPLAINT", "TRAFFIC STOP", "MENTAL CASE", "VOID", "THEFT"]


def _messy_file(path: Path, rows: int = 3000) -> Path:
    """Rows over three months; every 7th incident comes back as a second record hundreds of
    lines later (another unit), some as a VOID record; every 50th row has no call type."""
    rng = np.random.default_rng(3)
    lines = [HEADER]
    start = pd.Timestamp("2024-01-30 08:00:00")
    for i in range(rows):
        incident = i if i % 7 or i < 700 else i - 600
        kind = "" if i % 50 == 0 else TYPES[rng.integers(0, len(TYPES))]
        received = start + pd.Timedelta(minutes=40 * i)
        dispatch = received + pd.Timedelta(minutes=int(rng.integers(-2, 10)))
        arrive = dispatch + pd.Timedelta(minutes=int(rng.integers(1, 20)))
        clear = arrive + pd.Timedelta(minutes=int(rng.integers(-5, 90)))
        fmt = "%m/%d/%Y %H:%M:%S"
        lines.append(
            f"24-{incident:05d},{kind},{rng.integers(1, 5)},{received:{fmt}},{dispatch:{fmt}},"
            f"{arrive:{fmt}},{clear:{fmt}},ADVISED,B{rng.integers(1, 9)},"
            f"{'911' if i % 3 else 'SELF-INITIATED'},{rng.integers(1, 3)}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def _in_one_pass(path: Path, mapping: dict, work: Path) -> tuple[pd.DataFrame, dict]:
    info = open_source(path, work_dir=work)
    normaliser = Normaliser(mapping, "America/Chicago")
    frames = [normaliser.chunk(raw) for raw in read_chunks(info, columns=normaliser.columns)]
    return normaliser.finish(frames)


def test_incidents_split_across_blocks_are_merged_as_in_one_pass(tmp_path, monkeypatch):
    path = _messy_file(tmp_path / "calls.csv")
    info = open_source(path, work_dir=tmp_path / "w")
    mapping = propose_mapping(info.headers, preview(info))
    expected, expected_report = _in_one_pass(path, mapping, tmp_path / "w0")
    # Blocks of ~16 KB (about 130 rows) and buckets of 100 set-aside rows.
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 16 * 1024)
    monkeypatch.setattr(pipeline, "BUCKET_ROWS", 100)
    result = run_import(
        path, mapping=mapping, tz="America/Chicago", out_dir=tmp_path / "out", work_dir=tmp_path
    )
    stored = read_parquet(tmp_path / "out").sort_values("line", ignore_index=True)
    assert result.report["duplicates"] == expected_report["duplicates"]
    assert result.report["duplicates"]["records_merged"] > 200
    for key in (
        "rows_read",
        "rows_kept",
        "rejected",
        "dropped",
        "flagged",
        "initiated",
        "timestamps",
    ):
        assert result.report[key] == expected_report[key], key
    # Each format's count is over the whole file, not the last block's.
    received = result.report["timestamps"]["received_at"]
    assert sum(received["formats"].values()) + received["unparsed"] == (
        result.report["rows_read"] - result.report["empty_rows"] - received["missing"]
    )
    assert result.summary == summarise(expected)
    assert (
        len(list((tmp_path / "out").glob("year_month=*"))) == expected["year_month"].nunique() == 4
    )
    for column in ["incident_id", "call_type", "unit_hours", "units", "weapon", "hour"]:
        assert stored[column].astype("str").tolist() == expected[column].astype("str").tolist()


def test_the_scenario_table_gives_the_same_scenarios_as_the_calls(tmp_path, monkeypatch):
    path = _messy_file(tmp_path / "calls.csv", rows=2000)
    info = open_source(path, work_dir=tmp_path / "w")
    mapping = propose_mapping(info.headers, preview(info))
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 32 * 1024)
    run_import(
        path, mapping=mapping, tz="America/Chicago", out_dir=tmp_path / "out", work_dir=tmp_path
    )
    categories = {"WELFARE CHECK": "welfare_check", "MENTAL CASE": "behavioral_health"}
    table = ScenarioTable.read(tmp_path / "out" / FILENAME)
    from_table = Calls(table=table, categories=categories)
    from_frame = Calls.from_frame(read_parquet(tmp_path / "out"), categories)
    assert len(table) == len(from_frame.table)
    for criteria in [
        {"categories": ["welfare_check", "behavioral_health"]},
        {"call_types": ["noise complaint"], "beats": ["B2", "B3"], "hours_from": 20, "hours_to": 6},
        {
            "categories": ["welfare_check"],
            "exclude_priority_at_or_above": 2,
            "exclude_officer_initiated": True,
            "exclude_keywords": ["CHECK"],
        },
    ]:
        assert evaluate(from_table, criteria) == evaluate(from_frame, criteria)


def test_a_block_that_fails_halfway_stops_the_import_and_its_threads(tmp_path, monkeypatch):
    """The import reads and normalises in threads of their own: an error in the third block
    reaches the caller as it was, and no reading or normalising thread is left running."""
    import threading

    import pytest

    path = _messy_file(tmp_path / "calls.csv")
    info = open_source(path, work_dir=tmp_path / "w")
    mapping = propose_mapping(info.headers, preview(info))
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 16 * 1024)
    chunk = Normaliser.chunk
    calls = []

    def failing_chunk(self, raw):
        calls.append(len(raw))
        if len(calls) == 3:
            raise ValueError("block 3 cannot be normalised")
        return chunk(self, raw)

    monkeypatch.setattr(Normaliser, "chunk", failing_chunk)
    with pytest.raises(ValueError, match="block 3"):
        run_import(
            path, mapping=mapping, tz="America/Chicago", out_dir=tmp_path / "out", work_dir=tmp_path
        )
    assert not [t for t in threading.enumerate() if t.name == "csv-prefetch"]
    assert len(calls) == 3  # nothing was read or normalised after the failure


@pytest.mark.parametrize("bucket_bytes", [32 * 1024 * 1024, 64])
def test_the_first_pass_finds_exactly_the_repeated_ids_and_their_rows(
    tmp_path, monkeypatch, bucket_bytes
):
    # Ids as normalise cleans them: trimmed, a missing token is no id (and never "repeated").
    # With 64-byte buckets the ids are spread over several buckets on disk.
    monkeypatch.setattr(first_pass, "FILE_BYTES_PER_BUCKET", bucket_bytes)
    monkeypatch.setattr(first_pass, "FLUSH_BYTES", 32)
    ids = ["A-1", "B-2", " A-1 ", "C-3", "C-3", "C-3", "N/A", "N/A", "", "D-4"]
    ids += [f"E-{n % 40}" for n in range(100)] + ["LONG-ID-" * 12 + "7"] * 2
    path = tmp_path / "calls.csv"
    path.write_text("id,type\n" + "".join(f"{i},THEFT\n" for i in ids), encoding="utf-8")
    info = open_source(path, work_dir=tmp_path / "work")
    values, rows = pipeline.repeated_ids(info, "id", lambda: False, tmp_path / "buckets")
    expected = ["A-1", "C-3", *(f"E-{n}" for n in range(40)), "LONG-ID-" * 12 + "7"]
    assert sorted(values.to_pylist()) == sorted(expected)
    assert rows == 5 + 100 + 2
    assert not (tmp_path / "buckets").exists()
