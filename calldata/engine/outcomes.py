"""Key performance and equity measures of the alternative team, month by month, from the
outcome records of its calls (one row a call)."""

from __future__ import annotations

import pandas as pd

# The columns `monthly_kpis` reads.
OUTCOME_COLUMNS = (
    "occurred_on",
    "response_min",
    "on_scene_min",
    "outcome",
    "race_ethnicity",
    "neighbourhood",
)
OUTCOMES = ("resolved", "transported", "referred", "police_requested")
NOT_COLLECTED = "Not collected"
NEIGHBOURHOODS_SHOWN = 15


def monthly_kpis(calls: pd.DataFrame) -> dict:
    """Per month: calls, median response and on-scene minutes, the share of each outcome;
    per race/ethnicity: calls, the share where police were requested, the median response;
    the same counts per month and race/ethnicity; the busiest neighbourhoods. Blank race or
    neighbourhood reads "Not collected"."""
    if calls.empty:
        return {"months": [], "equity": [], "equity_by_month": [], "neighbourhoods": []}
    df = calls.assign(
        month=pd.to_datetime(calls["occurred_on"]).dt.strftime("%Y-%m"),
        race_ethnicity=calls["race_ethnicity"].replace("", NOT_COLLECTED),
        neighbourhood=calls["neighbourhood"].replace("", NOT_COLLECTED),
        **{f"is_{outcome}": calls["outcome"] == outcome for outcome in OUTCOMES},
    )
    return {
        "months": _months(df),
        "equity": _equity(df),
        "equity_by_month": _equity_by_month(df),
        "neighbourhoods": _neighbourhoods(df),
    }


def _months(df: pd.DataFrame) -> list[dict]:
    grouped = df.groupby("month")
    table = pd.DataFrame(
        {
            "calls": grouped.size(),
            "median_response_min": grouped["response_min"].median(),
            "median_on_scene_min": grouped["on_scene_min"].median(),
            **{f"{outcome}_share": grouped[f"is_{outcome}"].mean() for outcome in OUTCOMES},
        }
    ).reset_index()
    return [
        {
            k: (None if pd.isna(v) else (round(float(v), 3) if isinstance(v, float) else v))
            for k, v in row.items()
        }
        for row in table.to_dict("records")
    ]


def _equity(df: pd.DataFrame) -> list[dict]:
    equity = (
        df.groupby("race_ethnicity")
        .agg(
            calls=("outcome", "size"),
            police_requested_share=("is_police_requested", "mean"),
            median_response_min=("response_min", "median"),
        )
        .reset_index()
        .sort_values("calls", ascending=False)
    )
    rows = [
        {k: (None if pd.isna(v) else v) for k, v in r.items()} for r in equity.to_dict("records")
    ]
    for row in rows:
        # Python's round (correctly rounded), as the page has always shown it.
        share = row["police_requested_share"]
        row["police_requested_share"] = None if share is None else round(float(share), 3)
    return rows


def _equity_by_month(df: pd.DataFrame) -> list[dict]:
    by_month = (
        df.groupby(["month", "race_ethnicity"])
        .agg(
            calls=("outcome", "size"),
            police_requested=("is_police_requested", "sum"),
            resolved=("is_resolved", "sum"),
        )
        .reset_index()
    )
    return [
        {
            "month": r["month"],
            "race_ethnicity": r["race_ethnicity"],
            "calls": int(r["calls"]),
            "police_requested": int(r["police_requested"]),
            "resolved": int(r["resolved"]),
        }
        for r in by_month.to_dict("records")
    ]


def _neighbourhoods(df: pd.DataFrame) -> list[list]:
    """[neighbourhood, calls] of the busiest, most calls first."""
    hoods = df.groupby("neighbourhood").size().sort_values(ascending=False)
    return [[k, int(v)] for k, v in hoods.head(NEIGHBOURHOODS_SHOWN).items()]
