"""Eligibility scenarios: which calls the alternative team would take, and what follows.

A call is eligible when its category or its call type is among the chosen ones (or it carries
one of the chosen behavioural flags, e.g. the Burlington `mental_health` column), and no
exclusion applies: weapon or violence indicated, injury, priority at or above a threshold
(priority 1 is the most urgent), keywords in the call type or remarks, outside the team's
hours, outside the chosen beats, officer-initiated, cancelled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calldata.engine.fields import CATEGORIES
from calldata.engine.staffing import staffing_profile

DEFAULT_MINUTES_PER_CALL = 45.0
EMS_UNITS = r"EMS|MEDIC|AMBUL|\bALS\b|\bBLS\b|FIRE|RESCUE|ENGINE|\bFD\b"

DEFAULTS: dict = {
    "categories": [],
    "call_types": [],
    "include_flags": [],
    "exclude_weapon": True,
    "exclude_violence": True,
    "exclude_injury": False,
    "exclude_flags": [],
    "exclude_priority_at_or_above": None,
    "exclude_keywords": [],
    "hours_from": 0,
    "hours_to": 24,
    "beats": [],
    "exclude_officer_initiated": False,
    "exclude_cancelled": True,
    "target_share": 0.9,
    "answer_within_min": 15,
    "minutes_per_call": None,
}

COLUMNS = [
    "call_type",
    "priority_level",
    "hour",
    "how",
    "beat",
    "weapon",
    "violence",
    "injury",
    "initiated",
    "unit_hours",
    "time_on_task_min",
    "unit_type",
    "cancelled",
    "local_date",
]


def with_defaults(criteria: dict | None) -> dict:
    merged = dict(DEFAULTS)
    merged.update({k: v for k, v in (criteria or {}).items() if k in DEFAULTS})
    return merged


@dataclass
class Calls:
    """The columns a scenario needs, with each call's category from the jurisdiction's mapping."""

    frame: pd.DataFrame
    days: int
    categories: dict[str, str]

    @classmethod
    def from_frame(cls, df: pd.DataFrame, categories: dict[str, str]) -> Calls:
        frame = df.copy()
        types = frame["call_type"].astype("category")
        frame["call_type"] = types
        frame["category"] = types.map(lambda t: categories.get(t, "other")).astype("category")
        if len(frame):
            days = int((frame["local_date"].max() - frame["local_date"].min()).days) + 1
        else:
            days = 0
        return cls(frame=frame, days=max(days, 1), categories=categories)


def eligible_mask(calls: Calls, criteria: dict) -> np.ndarray:
    c = with_defaults(criteria)
    df = calls.frame
    n = len(df)
    include = np.zeros(n, dtype=bool)
    if c["categories"]:
        include |= df["category"].isin(c["categories"]).to_numpy()
    if c["call_types"]:
        wanted = {str(t).upper() for t in c["call_types"]}
        include |= df["call_type"].isin(wanted).to_numpy()
    for flag in c["include_flags"]:
        if f"flag_{flag}" in df:
            include |= df[f"flag_{flag}"].to_numpy(dtype=bool)
    keep = include
    for marker in ("weapon", "violence", "injury"):
        if c[f"exclude_{marker}"] and marker in df:
            keep &= ~df[marker].to_numpy(dtype=bool)
    for flag in c["exclude_flags"]:
        if f"flag_{flag}" in df:
            keep &= ~df[f"flag_{flag}"].to_numpy(dtype=bool)
    threshold = c["exclude_priority_at_or_above"]
    if threshold not in (None, "") and "priority_level" in df:
        level = df["priority_level"].astype("float64").to_numpy()
        keep &= ~(level <= float(threshold))
    words = [w.strip() for w in c["exclude_keywords"] if str(w).strip()]
    if words:
        pattern = "|".join(re.escape(w.upper()) for w in words)
        types = df["call_type"].astype("category")
        hit_types = types.cat.categories.str.contains(pattern, regex=True)
        hit = np.append(hit_types, False)[types.cat.codes.to_numpy()]
        if "remarks" in df:
            hit |= (
                df["remarks"]
                .astype("str")
                .str.upper()
                .str.contains(pattern, regex=True, na=False)
                .to_numpy()
            )
        keep &= ~hit
    start, end = int(c["hours_from"]), int(c["hours_to"])
    if (start, end) != (0, 24) and start != end:
        hour = df["hour"].to_numpy()
        keep &= (hour >= start) & (hour < end) if start < end else (hour >= start) | (hour < end)
    if c["beats"] and "beat" in df:
        keep &= df["beat"].isin([str(b) for b in c["beats"]]).to_numpy()
    if c["exclude_officer_initiated"]:
        keep &= (df["initiated"] != "officer").to_numpy()
    if c["exclude_cancelled"] and "cancelled" in df:
        keep &= ~df["cancelled"].to_numpy(dtype=bool)
    return keep


def evaluate(calls: Calls, criteria: dict) -> dict:
    """Everything the scenario page shows, from the calls and the criteria."""
    c = with_defaults(criteria)
    df = calls.frame
    mask = eligible_mask(calls, c)
    eligible = df.loc[mask]
    total, count = len(df), int(mask.sum())
    weeks = calls.days / 7.0
    how = np.bincount(eligible["how"].to_numpy(dtype="int64"), minlength=168)[:168]
    per_week = how / weeks
    measured = eligible["time_on_task_min"].dropna() if "time_on_task_min" in eligible else []
    if c["minutes_per_call"]:
        minutes = float(c["minutes_per_call"])
        minutes_source = "set in the scenario"
    elif len(measured) >= 20:
        minutes = float(np.clip(measured.median() + 10.0, 15.0, 240.0))
        minutes_source = "median time on scene of these calls plus 10 minutes' travel"
    else:
        minutes = DEFAULT_MINUTES_PER_CALL
        minutes_source = f"{DEFAULT_MINUTES_PER_CALL:.0f} minutes (the file has no on-scene times)"
    hours = eligible["unit_hours"] if "unit_hours" in eligible else pd.Series(dtype="float64")
    estimated = bool(hours.notna().sum() == 0)
    if estimated:
        police_hours, ems_hours = count * minutes / 60.0, 0.0
    else:
        if "unit_type" in eligible:
            units = eligible["unit_type"].astype("category")
            ems_types = units.cat.categories.astype("str").str.contains(
                EMS_UNITS, regex=True, case=False
            )
            is_ems = np.append(ems_types, False)[units.cat.codes.to_numpy()]
        else:
            is_ems = np.zeros(len(eligible), dtype=bool)
        ems_hours = float(hours[is_ems].sum())
        police_hours = float(hours[~is_ems].sum())
    scale = 365.25 / calls.days
    types = (
        eligible.groupby("call_type", observed=True).size().sort_values(ascending=False).head(15)
    )
    category_of = calls.categories
    by_category = eligible.groupby("category", observed=True).size().sort_values(ascending=False)
    return {
        "total_calls": total,
        "eligible_calls": count,
        "share": round(count / total, 4) if total else 0.0,
        "days": calls.days,
        "per_year": round(count * scale, 1),
        "per_day": round(count / calls.days, 2),
        "unit_hours": {
            "police_per_year": round(police_hours * scale, 1),
            "ems_per_year": round(ems_hours * scale, 1),
            "estimated": estimated,
        },
        "hour_of_week": per_week.reshape(7, 24).round(3).tolist(),
        "staffing": staffing_profile(
            per_week,
            minutes_per_call=minutes,
            target_share=float(c["target_share"]),
            within_minutes=float(c["answer_within_min"]),
        )
        | {"minutes_source": minutes_source},
        "top_call_types": [
            {
                "call_type": str(k),
                "category": category_of.get(str(k), "other"),
                "category_label": CATEGORIES.get(category_of.get(str(k), "other"), "Other"),
                "count": int(v),
                "per_year": round(v * scale, 1),
            }
            for k, v in types.items()
        ],
        "by_category": [[str(k), int(v)] for k, v in by_category.items()],
    }
