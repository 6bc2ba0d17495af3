"""Eligibility scenarios: which calls the alternative team would take, and what follows.

A call is eligible when its category or its call type is among the chosen ones (or it carries
one of the chosen behavioural flags, e.g. the Burlington `mental_health` column), and no
exclusion applies: weapon or violence indicated, injury, priority at or above a threshold
(on the jurisdiction's scale: most centres put the most urgent at 1, some at 0, a few at the
top), keywords in the call type or remarks, outside the team's hours, outside the chosen
beats, officer-initiated, cancelled.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from calldata.engine.fields import CATEGORIES
from calldata.engine.scenario_table import ScenarioTable, table_from_frame
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
    # The jurisdiction's scale, set from its reading settings: whether higher priority
    # numbers are the more urgent ones (most centres: lower, 1 before 2).
    "priority_higher_is_urgent": False,
    "exclude_keywords": [],
    "hours_from": 0,
    "hours_to": 24,
    "weekdays_only": False,
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


class Calls:
    """A dataset's calls for scenarios: the compact table (always), the full frame of
    normalised calls (loaded on first use, for decision trees) and, for keyword criteria,
    a function telling which rows' remarks match a pattern."""

    def __init__(
        self,
        *,
        table: ScenarioTable,
        categories: dict[str, str],
        frame: pd.DataFrame | None = None,
        load_frame: Callable[[], pd.DataFrame] | None = None,
        remarks_match: Callable[[str], np.ndarray] | None = None,
    ) -> None:
        self.table = table
        self.categories = categories
        self.days = max(table.days, 1)
        self._frame = frame
        self._load_frame = load_frame
        self.remarks_match = remarks_match

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            if self._load_frame is None:
                raise ValueError("these calls were made without a frame or a way to load one")
            self._frame = _with_category(self._load_frame(), self.categories)
        return self._frame

    @classmethod
    def from_frame(cls, df: pd.DataFrame, categories: dict[str, str]) -> Calls:
        frame = _with_category(df, categories)
        remarks = frame.get("remarks")

        def remarks_match(pattern: str) -> np.ndarray:
            upper = remarks.astype("str").str.upper()
            return upper.str.contains(pattern, regex=True, na=False).to_numpy(dtype=bool)

        return cls(
            table=table_from_frame(frame),
            categories=categories,
            frame=frame,
            remarks_match=remarks_match if remarks is not None else None,
        )


def _with_category(df: pd.DataFrame, categories: dict[str, str]) -> pd.DataFrame:
    frame = df.copy()
    types = frame["call_type"].astype("category")
    frame["call_type"] = types
    frame["category"] = types.map(lambda t: categories.get(t, "other")).astype("category")
    return frame


def _lookup(labels: list[str], test: Callable[[str], bool]) -> np.ndarray:
    """A per-code truth table with a last entry (for code -1, blank) that is False."""
    return np.array([bool(test(label)) for label in labels] + [False], dtype=bool)


def eligible_mask(calls: Calls, criteria: dict) -> np.ndarray:
    """Which calls (rows of `calls.table`) the team would take."""
    c = with_defaults(criteria)
    t = calls.table
    n = len(t)
    types = t.dictionaries.get("call_type", [])
    type_codes = t["call_type"]
    include = np.zeros(n, dtype=bool)
    if c["categories"] or c["call_types"]:
        chosen = set(c["categories"])
        wanted = {str(x).upper() for x in c["call_types"]}
        include |= _lookup(
            types,
            lambda label: calls.categories.get(label, "other") in chosen or label in wanted,
        )[type_codes]
    for flag in c["include_flags"]:
        if f"flag_{flag}" in t:
            include |= t[f"flag_{flag}"]
    keep = include
    for marker in ("weapon", "violence", "injury"):
        if c[f"exclude_{marker}"] and marker in t:
            keep &= ~t[marker]
    for flag in c["exclude_flags"]:
        if f"flag_{flag}" in t:
            keep &= ~t[f"flag_{flag}"]
    threshold = c["exclude_priority_at_or_above"]
    if threshold not in (None, "") and "priority_level" in t:
        level, limit = t["priority_level"], float(threshold)
        keep &= ~(level >= limit if c["priority_higher_is_urgent"] else level <= limit)
    words = [w.strip() for w in c["exclude_keywords"] if str(w).strip()]
    if words:
        pattern = "|".join(re.escape(w.upper()) for w in words)
        hit = _lookup(types, lambda label: re.search(pattern, label) is not None)[type_codes]
        if calls.remarks_match is not None:
            hit |= calls.remarks_match(pattern)
        keep &= ~hit
    start, end = int(c["hours_from"]), int(c["hours_to"])
    if (start, end) != (0, 24) and start != end:
        hour = t["hour"] if "hour" in t else t["how"] % 24
        keep &= (hour >= start) & (hour < end) if start < end else (hour >= start) | (hour < end)
    if c["weekdays_only"]:
        keep &= t["how"] // 24 < 5  # Monday = 0 … Friday = 4
    if c["beats"] and "beat" in t:
        beats = {str(b) for b in c["beats"]}
        keep &= _lookup(t.dictionaries.get("beat", []), lambda label: label in beats)[t["beat"]]
    if c["exclude_officer_initiated"]:
        officer = _lookup(t.dictionaries.get("initiated", []), lambda label: label == "officer")
        keep &= ~officer[t["initiated"]]
    if c["exclude_cancelled"] and "cancelled" in t:
        keep &= ~t["cancelled"]
    return keep


def evaluate(calls: Calls, criteria: dict) -> dict:
    """Everything the scenario page shows, from the calls and the criteria."""
    c = with_defaults(criteria)
    t = calls.table
    mask = eligible_mask(calls, c)
    total, count = len(t), int(mask.sum())
    weeks = calls.days / 7.0
    how = np.bincount(t["how"][mask].astype("int64"), minlength=168)[:168]
    per_week = how / weeks
    measured = t["time_on_task_min"][mask]
    measured = measured[~np.isnan(measured)]
    if c["minutes_per_call"]:
        minutes = float(c["minutes_per_call"])
        minutes_source = "set in the scenario"
    elif len(measured) >= 20:
        minutes = float(np.clip(np.median(measured.astype("float64")) + 10.0, 15.0, 240.0))
        minutes_source = "median time on scene of these calls plus 10 minutes' travel"
    else:
        # The figure is shown beside this text ("45 min per call: …"): it is not repeated.
        minutes = DEFAULT_MINUTES_PER_CALL
        minutes_source = (
            "the default, as the file has no on-scene times"
            if np.isnan(t["time_on_task_min"]).all()
            else "the default, as fewer than 20 of these calls have on-scene times"
        )
    hours = t["unit_hours"][mask].astype("float64")
    known = ~np.isnan(hours)
    estimated = not known.any()
    if estimated:
        police_hours, ems_hours = count * minutes / 60.0, 0.0
    else:
        ems = _lookup(
            t.dictionaries.get("unit_type", []),
            lambda label: re.search(EMS_UNITS, label, re.IGNORECASE) is not None,
        )
        is_ems = ems[t["unit_type"][mask]]
        ems_hours = float(hours[known & is_ems].sum())
        police_hours = float(hours[known & ~is_ems].sum())
    scale = 365.25 / calls.days
    types = t.dictionaries.get("call_type", [])
    per_type = np.bincount(t["call_type"][mask].astype("int64"), minlength=len(types))[: len(types)]
    # Most calls first; ties in alphabetical order (the dictionary is sorted).
    top = [i for i in np.argsort(-per_type, kind="stable")[:15] if per_type[i]]
    category_of = calls.categories
    by_category: dict[str, int] = {}
    for i in np.flatnonzero(per_type):
        category = category_of.get(types[i], "other")
        by_category[category] = by_category.get(category, 0) + int(per_type[i])
    return {
        "total_calls": total,
        "eligible_calls": count,
        "share": round(count / total, 4) if total else 0.0,
        "days": calls.days,
        # Yearly figures from less than a year of data are a projection (and say so).
        "projected": calls.days < 365,
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
                "call_type": types[i],
                "category": category_of.get(types[i], "other"),
                "category_label": CATEGORIES.get(category_of.get(types[i], "other"), "Other"),
                "count": int(per_type[i]),
                "per_year": round(int(per_type[i]) * scale, 1),
            }
            for i in top
        ],
        "by_category": sorted(([k, v] for k, v in by_category.items()), key=lambda kv: -kv[1]),
    }
