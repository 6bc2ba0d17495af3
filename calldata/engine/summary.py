"""The per-dataset summary: every aggregate the analysis pages show, computed once at import."""

from __future__ import annotations

import numpy as np
import pandas as pd

TOP_BEATS = 60


def _counts(series: pd.Series, limit: int | None = None) -> list[list]:
    counts = series.value_counts(dropna=False)
    counts = counts[counts > 0]
    if limit:
        counts = counts.head(limit)
    return [["(blank)" if pd.isna(k) else str(k), int(v)] for k, v in counts.items()]


def summarise(df: pd.DataFrame) -> dict:
    """JSON-ready aggregates of normalised calls (see normalise.Normaliser.finish)."""
    n = len(df)
    if n == 0:
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
    first, last = df["local_date"].min(), df["local_date"].max()
    days = int((last - first).days) + 1
    per_month = df.groupby("year_month", observed=True).size()
    per_day = df.groupby("local_date").size()
    grouped = df.groupby("call_type", observed=True)
    by_type = pd.DataFrame(
        {
            "count": grouped.size(),
            "unit_hours": grouped["unit_hours"].sum(min_count=1),
            "time_on_task_median": grouped["time_on_task_min"].median(),
            "weapon": grouped["weapon"].sum(),
            "violence": grouped["violence"].sum(),
        }
    ).sort_values("count", ascending=False)
    how = np.bincount(df["how"].to_numpy(dtype="int64"), minlength=168)[:168]
    flags = [c[5:] for c in df.columns if c.startswith("flag_")]
    has = {
        "priority": "priority" in df and bool(df["priority"].notna().any()),
        "beat": "beat" in df and bool(df["beat"].notna().any()),
        "source": "source" in df and bool(df["source"].notna().any()),
        "time_on_task": bool(df["time_on_task_min"].notna().any()),
        "unit_hours": bool(df["unit_hours"].notna().any()),
        "remarks": "remarks" in df,
        "unit_type": "unit_type" in df,
    }
    return {
        "calls": n,
        "first_day": first.date().isoformat(),
        "last_day": last.date().isoformat(),
        "days": days,
        "per_month": [[str(k), int(v)] for k, v in per_month.items()],
        "per_day": [[k.date().isoformat(), int(v)] for k, v in per_day.items()],
        "by_call_type": [
            {
                "call_type": str(k),
                "count": int(r["count"]),
                "unit_hours": None
                if pd.isna(r["unit_hours"])
                else round(float(r["unit_hours"]), 1),
                "time_on_task_median": None
                if pd.isna(r["time_on_task_median"])
                else round(float(r["time_on_task_median"]), 1),
                "weapon": int(r["weapon"]),
                "violence": int(r["violence"]),
            }
            for k, r in by_type.iterrows()
        ],
        "by_source": _counts(df["source"]) if has["source"] else [],
        "by_initiated": _counts(df["initiated"]),
        "hour_of_week": how.reshape(7, 24).tolist(),
        "by_priority": _counts(df["priority"]) if has["priority"] else [],
        "by_beat": _counts(df["beat"], TOP_BEATS) if has["beat"] else [],
        "has": has,
        "flags": flags,
        "flag_counts": {f: int(df[f"flag_{f}"].sum()) for f in flags},
    }
