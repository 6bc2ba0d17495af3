"""The per-dataset summary: every aggregate the analysis pages show, computed once at import.

The import streams, so the summary is built from mergeable parts: `SummaryParts.add` takes one
block of normalised calls at a time (counts, sums, hour-of-week bins) and `result` turns the
parts into the JSON the pages read. The median time on scene per call type is the one figure
that does not merge; it comes from the compact scenario table (see `scenario_table`), which
holds every call's call type and time on scene in a few bytes.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from calldata.engine.normalise.columns import value_counts

TOP_BEATS = 60
BLANK = "(blank)"
COUNTED = ("source", "initiated", "priority", "beat")
HAS = ("priority", "beat", "source", "time_on_task_min", "unit_hours")


def _sorted_counts(counts: dict, limit: int | None = None) -> list[list]:
    """Most frequent first; ties in the order of the values, blank last."""
    rows = sorted(
        ((k, v) for k, v in counts.items() if v > 0),
        key=lambda kv: (-kv[1], kv[0] == BLANK, kv[0]),
    )
    return [[k, int(v)] for k, v in (rows[:limit] if limit else rows)]


class SummaryParts:
    def __init__(self) -> None:
        self.calls = 0
        self.columns: set[str] = set()
        self.first: pd.Timestamp | None = None
        self.last: pd.Timestamp | None = None
        self.per_month: dict[str, int] = defaultdict(int)
        self.per_day: dict[np.datetime64, int] = defaultdict(int)
        self.by_type: dict[
            str, np.ndarray
        ] = {}  # count, unit-hour sum, unit-hour n, weapon, violence
        self.how = np.zeros(168, dtype="int64")
        self.counts: dict[str, dict[str, int]] = {c: defaultdict(int) for c in COUNTED}
        self.has: dict[str, bool] = dict.fromkeys(HAS, False)
        self.flag_counts: dict[str, int] = {}

    def add(self, df: pd.DataFrame) -> None:
        """Add one block of normalised calls (see normalise.Normaliser.complete)."""
        self.columns |= set(df.columns)
        for column in df.columns:
            if column.startswith("flag_"):
                self.flag_counts[column[5:]] = self.flag_counts.get(column[5:], 0) + int(
                    df[column].sum()
                )
        if df.empty:
            return
        self.calls += len(df)
        first, last = df["local_date"].min(), df["local_date"].max()
        self.first = first if self.first is None else min(first, self.first)
        self.last = last if self.last is None else max(last, self.last)
        for key, value in value_counts(df["year_month"].astype("category")):
            if key is not None:
                self.per_month[str(key)] += value
        days = df["local_date"].to_numpy("datetime64[D]")
        days = days[~np.isnat(days)].astype("int64")
        low = int(days.min()) if len(days) else 0
        day_counts = np.bincount(days - low)
        for offset in np.flatnonzero(day_counts):
            self.per_day[np.datetime64(low + int(offset), "D")] += int(day_counts[offset])
        # Per call type: calls, unit-hours (sum and how many calls have them), weapon and
        # violence markers, as weighted counts of the call type's code.
        types = df["call_type"].astype("category")
        codes = types.cat.codes.to_numpy()
        known = codes >= 0
        codes = codes[known]
        hours = df["unit_hours"].to_numpy("float64")[known]
        has_hours = ~np.isnan(hours)
        size = len(types.cat.categories)
        columns = [
            np.bincount(codes, minlength=size),
            np.bincount(codes, weights=np.where(has_hours, hours, 0.0), minlength=size),
            np.bincount(codes, weights=has_hours, minlength=size),
            np.bincount(codes, weights=df["weapon"].to_numpy(bool)[known], minlength=size),
            np.bincount(codes, weights=df["violence"].to_numpy(bool)[known], minlength=size),
        ]
        grouped = np.column_stack(columns).astype("float64")
        for index in np.flatnonzero(columns[0]):
            key = str(types.cat.categories[index])
            row = grouped[index]
            self.by_type[key] = self.by_type[key] + row if key in self.by_type else row
        self.how += np.bincount(df["how"].to_numpy(dtype="int64"), minlength=168)[:168]
        for column in COUNTED:
            if column not in df:
                continue
            for key, value in value_counts(df[column]):
                self.counts[column][BLANK if key is None else str(key)] += value
        for column in HAS:
            if column in df and not self.has[column]:
                self.has[column] = bool(df[column].notna().any())

    def result(self, medians: dict[str, float | None]) -> dict:
        """The summary; `medians` is the median time on scene of each call type."""
        flags = list(self.flag_counts)
        if self.calls == 0 or self.first is None or self.last is None:
            return {
                "calls": 0,
                "days": 0,
                "per_month": [],
                "per_day": [],
                "by_call_type": [],
                "by_source": [],
                "by_initiated": [],
                "hour_of_week": [[0] * 24 for _ in range(7)],
                "by_priority": [],
                "by_beat": [],
                "has": {},
                "flags": [],
            }
        has = {
            "priority": self.has["priority"],
            "beat": self.has["beat"],
            "source": self.has["source"],
            "time_on_task": self.has["time_on_task_min"],
            "unit_hours": self.has["unit_hours"],
            "remarks": "remarks" in self.columns,
            "unit_type": "unit_type" in self.columns,
        }
        by_type = sorted(self.by_type.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return {
            "calls": self.calls,
            "first_day": self.first.date().isoformat(),
            "last_day": self.last.date().isoformat(),
            "days": int((self.last - self.first).days) + 1,
            "per_month": [[k, v] for k, v in sorted(self.per_month.items())],
            "per_day": [[str(k), v] for k, v in sorted(self.per_day.items())],
            "by_call_type": [
                {
                    "call_type": key,
                    "count": int(row[0]),
                    "unit_hours": round(float(row[1]), 1) if row[2] else None,
                    "time_on_task_median": None
                    if (median := medians.get(key)) is None
                    else round(float(median), 1),
                    "weapon": int(row[3]),
                    "violence": int(row[4]),
                }
                for key, row in by_type
            ],
            "by_source": _sorted_counts(self.counts["source"]) if has["source"] else [],
            "by_initiated": _sorted_counts(self.counts["initiated"]),
            "hour_of_week": self.how.reshape(7, 24).tolist(),
            "by_priority": _sorted_counts(self.counts["priority"]) if has["priority"] else [],
            "by_beat": _sorted_counts(self.counts["beat"], TOP_BEATS) if has["beat"] else [],
            "has": has,
            "flags": flags,
            "flag_counts": {f: self.flag_counts[f] for f in flags},
        }


def summarise(df: pd.DataFrame) -> dict:
    """JSON-ready aggregates of normalised calls held in memory at once."""
    parts = SummaryParts()
    parts.add(df)
    medians = {}
    if len(df):
        for key, value in (
            df.groupby("call_type", observed=True)["time_on_task_min"].median().items()
        ):
            medians[str(key)] = None if pd.isna(value) else float(value)
    return parts.result(medians)
