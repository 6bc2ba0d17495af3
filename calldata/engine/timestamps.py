"""Turning CAD timestamp text into UTC instants, whatever shape the export gave them.

Handled: ISO 8601 with a UTC offset (Burlington's `2022-03-13T11:30:50-04:00`), ISO or US local
times with or without seconds or AM/PM, compact timestamps `20240315092336` with an optional
zone suffix (`PD` = Pacific Daylight, `ES` = Eastern Standard...: the second letter settles the
hour repeated when clocks go back), Excel serial day numbers, separate date and time columns,
and several formats in one column (each row takes the first format that reads it; the report
counts rows per format).

Local times become aware in the jurisdiction's zone. In the hour repeated in autumn the
earlier (daylight) reading is kept unless a zone suffix says otherwise; a wall time skipped in
spring (02:30 on the change day) is read as an hour later (03:30, as a clock not yet
changed would have shown it). Both are counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Tried in this order on a sample; a format is used when it reads any sample value.
NAIVE_FORMATS = [
    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M", "%m/%d/%y %I:%M %p", "%m-%d-%Y %H:%M:%S",
    "%m-%d-%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d", "%m/%d/%Y",
    "%m/%d/%y", "%Y/%m/%d", "%d.%m.%Y",
]  # fmt: skip
OFFSET_FORMATS = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]
COMPACT = re.compile(r"^\d{14}([A-Z]{2})?$")
SAMPLE = 2000


@dataclass
class ParseStats:
    formats: dict[str, int] = field(default_factory=dict)
    unparsed: int = 0
    ambiguous: int = 0
    nonexistent: int = 0
    offsets: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "formats": self.formats,
            "unparsed": self.unparsed,
            "ambiguous_resolved": self.ambiguous,
            "nonexistent_shifted": self.nonexistent,
            "utc_offsets_seen": self.offsets,
        }


def _sample(values: pa.Array) -> list[str]:
    valid = pc.drop_null(values)
    if len(valid) <= SAMPLE:
        return valid.to_pylist()
    step = max(len(valid) // SAMPLE, 1)
    return valid.take(pa.array(np.arange(0, len(valid), step)[:SAMPLE])).to_pylist()


def _strptime(values: pa.Array, fmt: str) -> pa.Array:
    return pc.strptime(values, format=fmt, unit="s", error_is_null=True)


def _to_arrow(series: pd.Series) -> pa.Array:
    values = pa.array(series.astype("str").where(series.notna(), None), type=pa.string())
    values = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


def parse_naive(series: pd.Series, stats: ParseStats) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(naive local datetimes, UTC datetimes of values that carried an offset, DST hint)."""
    values = _to_arrow(series)
    n = len(values)
    naive = pa.nulls(n, pa.timestamp("s"))
    aware = pa.nulls(n, pa.timestamp("s", tz="UTC"))
    hint = np.full(n, np.nan)
    remaining = pc.is_valid(values)
    sample = [s for s in _sample(values) if s]
    if not sample:
        return (
            _naive_series(naive, series),
            _aware_series(aware, series),
            pd.Series(hint, index=series.index),
        )

    def leftover() -> pa.Array:
        return pc.if_else(remaining, values, pa.scalar(None, pa.string()))

    # Offset-bearing ISO strings.
    if any(re.search(r"([+-]\d{2}:?\d{2}|Z)$", s) for s in sample):
        for fmt in OFFSET_FORMATS:
            parsed = _strptime(leftover(), fmt)
            got = pc.is_valid(parsed)
            count = pc.sum(got).as_py() or 0
            if count:
                aware = pc.if_else(got, parsed, aware)
                remaining = pc.and_(remaining, pc.invert(got))
                stats.formats[fmt.replace("%z", "±hh:mm")] = count
        offsets = {m.group(1) for s in sample if (m := re.search(r"([+-]\d{2}:?\d{2})$", s))}
        stats.offsets = sorted(offsets)
    # Compact timestamps with an optional zone suffix.
    if any(COMPACT.match(s) for s in sample):
        left = leftover()
        digits = pc.utf8_slice_codeunits(left, 0, 14)
        suffix = pc.utf8_slice_codeunits(left, 14, 16)
        matches = pc.match_substring_regex(left, r"^\d{14}([A-Z]{2})?$")
        parsed = pc.if_else(
            matches, _strptime(digits, "%Y%m%d%H%M%S"), pa.scalar(None, pa.timestamp("s"))
        )
        got = pc.fill_null(pc.is_valid(parsed), False)
        count = pc.sum(got).as_py() or 0
        if count:
            naive = pc.if_else(got, parsed, naive)
            remaining = pc.and_(remaining, pc.invert(got))
            second = pd.Series(pc.utf8_slice_codeunits(suffix, 1, 2).to_pandas(), dtype="object")
            hint = np.where(second.eq("D"), 1.0, np.where(second.eq("S"), 0.0, hint))
            stats.formats["YYYYMMDDhhmmss+zone"] = count
    # Excel serial day numbers (1954..2118).
    if any(re.fullmatch(r"\d{5}(\.\d+)?", s) for s in sample):
        left = leftover()
        numbers = pd.to_numeric(pd.Series(left.to_pandas(), dtype="object"), errors="coerce")
        ok = numbers.between(20000, 80000)
        if ok.any():
            days = pd.to_datetime(numbers.where(ok), unit="D", origin="1899-12-30").dt.round("s")
            parsed = pa.array(days.astype("datetime64[s]"), type=pa.timestamp("s"))
            got = pa.array(ok.to_numpy())
            naive = pc.if_else(got, parsed, naive)
            remaining = pc.and_(remaining, pc.invert(got))
            stats.formats["Excel serial date"] = int(ok.sum())
    for fmt in NAIVE_FORMATS:
        if not pc.any(remaining).as_py():
            break
        probe = _strptime(pa.array(sample, pa.string()), fmt)
        if probe.null_count == len(probe):
            continue
        parsed = _strptime(leftover(), fmt)
        got = pc.fill_null(pc.is_valid(parsed), False)
        count = pc.sum(got).as_py() or 0
        if count:
            naive = pc.if_else(got, parsed, naive)
            remaining = pc.and_(remaining, pc.invert(got))
            stats.formats[fmt] = count
    # Rows in a shape the sample did not show: try every format on those rows only.
    if pc.any(remaining).as_py():
        for fmt in NAIVE_FORMATS:
            parsed = _strptime(leftover(), fmt)
            got = pc.fill_null(pc.is_valid(parsed), False)
            count = pc.sum(got).as_py() or 0
            if count:
                naive = pc.if_else(got, parsed, naive)
                remaining = pc.and_(remaining, pc.invert(got))
                stats.formats[fmt] = stats.formats.get(fmt, 0) + count
    return (
        _naive_series(naive, series),
        _aware_series(aware, series),
        pd.Series(hint, index=series.index),
    )


def _naive_series(values: pa.Array, like: pd.Series) -> pd.Series:
    return pd.Series(values.to_pandas(), index=like.index).astype("datetime64[s]")


def _aware_series(values: pa.Array, like: pd.Series) -> pd.Series:
    return pd.Series(values.to_pandas(), index=like.index).astype("datetime64[s, UTC]")


def parse_clock(series: pd.Series) -> pd.Series:
    """Time-of-day text (09:23, 9:23:36 AM, 092336, Excel day fraction) as a timedelta."""
    text = series.astype("str").where(series.notna()).str.strip()
    clock = text.where(text.str.match(r"^\d{1,2}:\d{2}(:\d{2})?$", na=False))
    clock = clock.where(clock.str.count(":").ne(1), clock + ":00")
    result = pd.to_timedelta(clock, errors="coerce")
    todo = result.isna() & text.notna()
    if todo.any():
        for fmt in ("%I:%M:%S %p", "%I:%M %p"):
            parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
            result[todo] = parsed - parsed.dt.normalize()
            todo = result.isna() & text.notna()
    if todo.any():
        digits = text[todo].where(text[todo].str.fullmatch(r"\d{4}|\d{6}", na=False))
        padded = digits.str.ljust(6, "0")
        result[todo] = pd.to_timedelta(
            padded.str[0:2] + ":" + padded.str[2:4] + ":" + padded.str[4:6], errors="coerce"
        )
        todo = result.isna() & text.notna()
    if todo.any():
        fraction = pd.to_numeric(text[todo], errors="coerce")
        result[todo] = pd.to_timedelta(fraction.where(fraction.between(0, 1)), unit="D").dt.round(
            "s"
        )
    return result


def localise(naive: pd.Series, tz: str, hint: pd.Series, stats: ParseStats) -> pd.Series:
    """Naive wall-clock times in `tz` as UTC; ambiguous and skipped times resolved and counted."""
    if naive.notna().sum() == 0:
        return pd.Series(pd.NaT, index=naive.index, dtype="datetime64[s, UTC]")
    strict = naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    problem = strict.isna() & naive.notna()
    if not problem.any():
        return strict.dt.tz_convert("UTC")
    dst = np.where(hint.isna().to_numpy(), True, hint.to_numpy() == 1.0)
    resolved = naive.dt.tz_localize(tz, ambiguous=dst, nonexistent=pd.Timedelta(hours=1))
    kept_when_ambiguous = naive.dt.tz_localize(tz, ambiguous=dst, nonexistent="NaT")
    stats.nonexistent += int((problem & kept_when_ambiguous.isna()).sum())
    stats.ambiguous += int((problem & kept_when_ambiguous.notna()).sum())
    return resolved.dt.tz_convert("UTC")


def parse_timestamps(
    series: pd.Series, tz: str, stats: ParseStats, clock: pd.Series | None = None
) -> pd.Series:
    """Text (or a date column plus a time-of-day column) to UTC instants; NaT where unreadable."""
    naive, aware, hint = parse_naive(series, stats)
    if clock is not None:
        naive = naive.dt.normalize() + parse_clock(clock)
    local = localise(naive, tz, hint, stats)
    result = aware.where(aware.notna(), local)
    stats.unparsed += int(
        (result.isna() & series.notna() & series.astype("str").str.strip().ne("")).sum()
    )
    return result
