"""The scenario table built on disk during the import is the table built in memory, byte for
byte, and its medians are the medians of every call's time on scene."""

from __future__ import annotations

import numpy as np
import pandas as pd

from calldata.engine import scenario_file
from calldata.engine.scenario_file import ScenarioTableWriter, sorted_medians
from calldata.engine.scenario_table import ScenarioTable, ScenarioTableBuilder


def _blocks(count: int = 5, rows: int = 400) -> list[pd.DataFrame]:
    """Blocks of normalised calls whose months interleave (a file not in time order), with
    blank call types and beats, missing times on scene and a behavioural flag."""
    rng = np.random.default_rng(7)
    types = np.array(["THEFT", "WELFARE CHECK", "NOISE", "MENTAL CASE", "ALARM"])
    blocks = []
    for _ in range(count):
        days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 120, rows), "D")
        minutes = rng.gamma(2.0, 15.0, rows).astype("float32")
        minutes[rng.random(rows) < 0.2] = np.nan
        call_type = pd.Series(types[rng.integers(0, len(types), rows)], dtype="object")
        call_type[rng.random(rows) < 0.05] = None
        blocks.append(
            pd.DataFrame(
                {
                    "call_type": call_type.astype("category"),
                    "beat": pd.Series(rng.choice(["B1", "B2", None], rows)).astype("category"),
                    "initiated": pd.Categorical(rng.choice(["public", "officer"], rows)),
                    "year_month": days.strftime("%Y-%m"),
                    "local_date": days,
                    "how": rng.integers(0, 168, rows),
                    "weapon": rng.random(rows) < 0.1,
                    "violence": rng.random(rows) < 0.1,
                    "injury": rng.random(rows) < 0.1,
                    "cancelled": rng.random(rows) < 0.1,
                    "priority_level": rng.integers(1, 6, rows).astype("float64"),
                    "unit_hours": rng.gamma(2.0, 0.5, rows),
                    "time_on_task_min": minutes,
                    "flag_mental_health": rng.random(rows) < 0.2,
                }
            )
        )
    return blocks


def test_the_table_written_from_disk_is_the_table_built_in_memory(tmp_path, monkeypatch):
    # Several slices and several groups of call types when the medians are read back.
    monkeypatch.setattr(scenario_file, "SLICE_ROWS", 300)
    monkeypatch.setattr(scenario_file, "MEDIAN_VALUES", 200)
    builder, writer = ScenarioTableBuilder(), ScenarioTableWriter(tmp_path / "spill")
    for block in _blocks():
        builder.add(block)
        writer.add(block)
    in_memory = builder.finish()
    in_memory.write(tmp_path / "memory.arrow")
    writer.write(tmp_path / "disk.arrow")
    assert (tmp_path / "disk.arrow").read_bytes() == (tmp_path / "memory.arrow").read_bytes()
    assert not (tmp_path / "spill").exists()
    read = ScenarioTable.read(tmp_path / "disk.arrow")
    assert read.dictionaries == in_memory.dictionaries
    for name, values in in_memory.columns.items():
        np.testing.assert_array_equal(read[name], values)

    codes, minutes = in_memory["call_type"], in_memory["time_on_task_min"]
    known = (codes >= 0) & ~np.isnan(minutes)
    expected = sorted_medians(codes[known], minutes[known], in_memory.dictionaries["call_type"])
    medians = writer.medians()
    assert medians == expected
    frame = pd.DataFrame({"type": codes[known], "minutes": minutes[known].astype("float64")})
    for code, median in frame.groupby("type")["minutes"].median().items():
        assert medians[in_memory.dictionaries["call_type"][code]] == median


def test_an_import_without_calls_writes_the_empty_table(tmp_path):
    writer = ScenarioTableWriter(tmp_path / "spill")
    writer.add(_blocks(1)[0].iloc[:0])
    writer.write(tmp_path / "table.arrow")
    assert len(ScenarioTable.read(tmp_path / "table.arrow")) == 0
    assert writer.medians() == {}
