"""Several records of one incident merged into one, and the report of what was merged."""

from __future__ import annotations

import numpy as np
import pandas as pd

from calldata.engine.normalise.columns import encode
from calldata.engine.normalise.issues import EXAMPLES

DEDUP_RULE = (
    "One record per incident id: the record received first is kept; its dispatch, en-route and "
    "arrival times are the earliest among the records and its clear time the latest; the call "
    "type is the last record's (the final call type); units are added up (or counted, one per "
    "record, when the file has no units column)."
)


def merge_duplicates(df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Several records of one incident as one (the rule: DEDUP_RULE), with the report of
    what was merged."""
    if "incident_id" not in df or df.empty:
        return df, no_duplicates()
    codes, _ = encode(df["incident_id"])
    counts = np.bincount(codes[codes >= 0], minlength=1)
    duplicated = pd.Series((codes >= 0) & (counts[np.maximum(codes, 0)] > 1), index=df.index)
    if not duplicated.any():
        return df, no_duplicates()
    dups = df.loc[duplicated].sort_values(["incident_id", "received_at", "line"])
    grouped = dups.groupby("incident_id", sort=False, observed=True)
    merged = grouped.head(1).set_index("incident_id")
    for name, how in (
        ("dispatched_at", "min"),
        ("enroute_at", "min"),
        ("arrived_at", "min"),
        ("cleared_at", "max"),
    ):
        if name in dups:
            merged[name] = getattr(grouped[name], how)()
    merged["call_type"] = grouped["call_type"].last()
    if "units" in dups:
        merged["units"] = grouped["units"].sum(min_count=1)
    else:
        merged["units"] = grouped.size().astype("float64")
    merged["cancelled"] = grouped["cancelled"].all()
    merged = merged.reset_index()
    first_ids = merged["incident_id"].head(EXAMPLES).tolist()
    sample = dups[dups["incident_id"].isin(first_ids)]
    examples = {k: sample.loc[sample["incident_id"] == k, "line"].tolist() for k in first_ids}
    report = {
        "incidents": int(merged.shape[0]),
        "records_merged": int(duplicated.sum() - merged.shape[0]),
        "rule": DEDUP_RULE,
        "examples": [
            {"incident_id": str(k), "lines": [int(x) for x in v][:10]} for k, v in examples.items()
        ],
    }
    if "units" not in df:
        df["units"] = np.where(duplicated, np.nan, 1.0)
    df = pd.concat([df.loc[~duplicated], merged[df.columns]], ignore_index=True)
    return df.sort_values("line", ignore_index=True), report


def no_duplicates() -> dict:
    return {"incidents": 0, "records_merged": 0, "rule": DEDUP_RULE, "examples": []}


def combine_duplicates(parts: list[dict]) -> dict:
    """The duplicate-incident reports of several blocks of incidents as one."""
    combined = no_duplicates()
    for part in parts:
        combined["incidents"] += part["incidents"]
        combined["records_merged"] += part["records_merged"]
        combined["examples"].extend(part["examples"])
    combined["examples"] = sorted(combined["examples"], key=lambda e: e["incident_id"])[:EXAMPLES]
    return combined
