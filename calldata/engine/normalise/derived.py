"""The per-row rules that follow the merge of several records of one incident: order of the
times and durations, coordinates, markers, who initiated the call, local calendar fields."""

from __future__ import annotations

import numpy as np
import pandas as pd

from calldata.engine.fields import TIMESTAMP_FIELDS
from calldata.engine.normalise.columns import call_type_label, clean_by_value, epoch_seconds
from calldata.engine.normalise.issues import Issues
from calldata.engine.taxonomy import initiated_by, markers_for


def order_and_durations(df: pd.DataFrame, flagged: Issues, *, dispatch_mapped: bool) -> None:
    """Flags for times out of order and the durations, in float seconds (NaN where a time
    is missing, so comparisons with it are false as pandas' are with NaT). `dispatch_mapped`:
    the file has a dispatch time, so an arrival without one is worth a flag."""
    times = [df[n] for n in TIMESTAMP_FIELDS]
    r, d, e, a, c = (epoch_seconds(t) for t in times)
    rt, dt, _, at, ct = times
    flagged.add("dispatched before received", df, d < r, (rt, dt))
    flagged.add("arrived before dispatched", df, a < d, (dt, at))
    flagged.add("cleared before arrival", df, c < a, (at, ct))
    if dispatch_mapped:
        flagged.add("arrival without dispatch", df, ~np.isnan(a) & np.isnan(d), at)
    on_scene = (c - a) / 60
    flagged.add(
        "zero or negative time on scene",
        df,
        on_scene <= 0,
        pd.Series(on_scene, index=df.index),
    )
    df["time_on_task_min"] = np.where(on_scene > 0, on_scene, np.nan).astype("float32")
    response = (a - r) / 60
    df["response_min"] = np.where(response >= 0, response, np.nan).astype("float32")
    start = np.where(np.isnan(d), np.where(np.isnan(e), a, e), d)
    busy = (c - start) / 3600
    busy = np.where(busy > 0, busy, np.nan)
    flagged.add("over 24 hours busy (ignored)", df, busy > 24, pd.Series(busy, index=df.index))
    busy = np.where(busy <= 24, busy, np.nan)
    units = df["units"].fillna(1.0).to_numpy("float64") if "units" in df else 1.0
    df["unit_hours"] = (busy * units).astype("float32")


def clear_placeholder_coordinates(df: pd.DataFrame, flagged: Issues) -> None:
    """Coordinates that are placeholders (0, off the globe, latitude = longitude) cleared;
    missing ones counted."""
    if "latitude" not in df or "longitude" not in df:
        return
    lat, lon = df["latitude"], df["longitude"]
    la, lo = lat.to_numpy("float64"), lon.to_numpy("float64")
    with np.errstate(invalid="ignore"):
        placeholder = (~np.isnan(la) & ~np.isnan(lo)) & (
            (np.abs(la) < 0.001)
            | (np.abs(lo) < 0.001)
            | (np.abs(la) > 90)
            | (np.abs(lo) > 180)
            | (np.abs(la - lo) < 1e-9)
        )
    flagged.add("placeholder coordinates (cleared)", df, placeholder, (lat, lon))
    flagged.add("no coordinates", df, np.isnan(la) | np.isnan(lo))
    if placeholder.any():
        df["latitude"] = np.where(placeholder, np.nan, la)
        df["longitude"] = np.where(placeholder, np.nan, lo)


def add_markers(df: pd.DataFrame) -> None:
    """Weapon, violence, urgency and injury: in the final or the initial call type's words, or
    in the file's own flag columns."""
    types = df["call_type"].astype("category")
    distinct = list(types.cat.categories)
    markers = markers_for(distinct)
    texts = [types]
    if "call_type_initial" in df:
        texts.append(clean_by_value(df["call_type_initial"], call_type_label))
    for name, lookup in markers.items():
        hit = np.zeros(len(df), dtype=bool)
        for text in texts:
            cats = list(text.cat.categories)
            table = markers_for(cats)[name] if text is not types else lookup
            codes = text.cat.codes.to_numpy()
            per_code = np.array([table[c] for c in cats] + [False], dtype=bool)
            hit |= per_code[codes]
        flag = f"flag_{name}"
        if flag in df:
            hit |= df[flag].to_numpy()
        df[name] = hit


def add_initiated(df: pd.DataFrame) -> None:
    """Who started the call (officer, public, unknown), from its source."""
    if "source" in df:
        source = df["source"].astype("category")
        lookup = initiated_by(list(source.cat.categories))
        labels = ["officer", "public", "unknown"]
        per_code = np.array(
            [labels.index(lookup[c]) for c in source.cat.categories] + [2], dtype="int8"
        )
        df["initiated"] = pd.Categorical.from_codes(
            per_code[source.cat.codes.to_numpy()], categories=labels
        )
    else:
        df["initiated"] = "unknown"


def add_local_time(df: pd.DataFrame, tz: str) -> np.ndarray:
    """Local calendar fields, by integer arithmetic on local wall-clock seconds; returns the
    calls received at each local minute of the day (for the clock warnings)."""
    local = df["received_at"].dt.tz_convert(tz).dt.tz_localize(None)
    seconds = local.to_numpy("datetime64[s]").astype("int64")
    days = seconds // 86400
    months = local.to_numpy("datetime64[M]").astype("int64")
    unique = np.unique(months)
    labels = [str(np.datetime64(int(m), "M")) for m in unique]
    df["year_month"] = pd.Categorical.from_codes(np.searchsorted(unique, months), categories=labels)
    of_day = seconds - days * 86400
    valid = df["received_at"].notna().to_numpy()
    minutes = np.bincount(of_day[valid] // 60, minlength=1440)
    df["local_date"] = (days * 86400).astype("datetime64[s]")
    df["hour"] = ((seconds // 3600) % 24).astype("int8")
    df["dow"] = ((days + 3) % 7).astype("int8")  # 1970-01-01 was a Thursday; Monday = 0
    df["how"] = (df["dow"].astype("int16") * 24 + df["hour"]).astype("int16")

    return minutes
