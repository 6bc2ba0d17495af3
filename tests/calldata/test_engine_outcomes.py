"""The alternative team's monthly measures, computed by the engine on a DataFrame (no Django)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

import calldata.engine
from calldata.engine.outcomes import OUTCOME_COLUMNS, monthly_kpis


def _calls(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(OUTCOME_COLUMNS))


def test_each_month_has_its_calls_medians_and_outcome_shares():
    kpis = monthly_kpis(
        _calls(
            (dt.date(2024, 5, 2), 12.0, 35.0, "resolved", "Black", "East"),
            (dt.date(2024, 5, 3), 9.0, 50.0, "transported", "White", "North"),
            (dt.date(2024, 5, 30), 30.0, None, "resolved", "", "East"),
            (dt.date(2024, 6, 1), None, 20.0, "police_requested", "", ""),
        )
    )
    assert kpis["months"] == [
        {
            "month": "2024-05",
            "calls": 3,
            "median_response_min": 12.0,
            "median_on_scene_min": 42.5,
            "resolved_share": 0.667,
            "transported_share": 0.333,
            "referred_share": 0.0,
            "police_requested_share": 0.0,
        },
        {
            "month": "2024-06",
            "calls": 1,
            "median_response_min": None,
            "median_on_scene_min": 20.0,
            "resolved_share": 0.0,
            "transported_share": 0.0,
            "referred_share": 0.0,
            "police_requested_share": 1.0,
        },
    ]


def test_equity_reads_a_blank_race_as_not_collected_busiest_group_first():
    kpis = monthly_kpis(
        _calls(
            (dt.date(2024, 5, 2), 12.0, 35.0, "resolved", "Black", "East"),
            (dt.date(2024, 5, 3), 9.0, 50.0, "police_requested", "", "North"),
            (dt.date(2024, 6, 1), 15.0, 20.0, "police_requested", "", ""),
            (dt.date(2024, 6, 2), None, 20.0, "resolved", "", "East"),
        )
    )
    assert kpis["equity"] == [
        {
            "race_ethnicity": "Not collected",
            "calls": 3,
            "police_requested_share": 0.667,
            "median_response_min": 12.0,
        },
        {
            "race_ethnicity": "Black",
            "calls": 1,
            "police_requested_share": 0.0,
            "median_response_min": 12.0,
        },
    ]
    assert kpis["equity_by_month"] == [
        {"month": "2024-05", "race_ethnicity": "Black", "calls": 1, "police_requested": 0,
         "resolved": 1},
        {"month": "2024-05", "race_ethnicity": "Not collected", "calls": 1,
         "police_requested": 1, "resolved": 0},
        {"month": "2024-06", "race_ethnicity": "Not collected", "calls": 2,
         "police_requested": 1, "resolved": 1},
    ]  # fmt: skip
    assert kpis["neighbourhoods"] == [["East", 2], ["North", 1], ["Not collected", 1]]


def test_the_fifteen_busiest_neighbourhoods_are_listed():
    rng = np.random.default_rng(5)
    hoods = [f"N{i:02d}" for i in range(20) for _ in range(i + 1)]
    calls = _calls(
        *((dt.date(2024, 1, 1), 5.0, 5.0, "referred", "", h) for h in rng.permutation(hoods))
    )
    listed = monthly_kpis(calls)["neighbourhoods"]
    assert listed == [[f"N{i:02d}", i + 1] for i in range(19, 4, -1)]


def test_no_records_give_empty_measures_and_the_frame_given_is_left_as_it_was():
    assert monthly_kpis(_calls()) == {
        "months": [],
        "equity": [],
        "equity_by_month": [],
        "neighbourhoods": [],
    }
    calls = _calls((dt.date(2024, 5, 2), 12.0, 35.0, "resolved", "", ""))
    before = calls.copy()
    monthly_kpis(calls)
    pd.testing.assert_frame_equal(calls, before)


def test_the_engine_imports_no_django_even_inside_functions():
    """calldata.engine is plain pandas/pyarrow: no module of it imports Django, DRF or the
    Django side of calldata (an import-linter contract would miss imports inside functions)."""
    engine = Path(calldata.engine.__file__).parent
    found = []
    for path in sorted(engine.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            found += [
                f"{path.relative_to(engine)}: {name}"
                for name in names
                if name.split(".")[0] in {"django", "rest_framework"}
                or (name.startswith("calldata.") and not name.startswith("calldata.engine"))
            ]
    assert found == []
