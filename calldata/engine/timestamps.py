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
from collections.abc import Callable
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
# Compiled once: the sample of every column of every block is tested against them.
ENDS_WITH_OFFSET = re.compile(r"([+-]\d{2}:?\d{2}|Z)$")
UTC_OFFSET = re.compile(r"([+-]\d{2}:?\d{2})$")
FRACTION = re.compile(r"(:\d{2})\.\d{1,9}\b")
EXCEL_SERIAL = re.compile(r"\d{5}(\.\d+)?")
SAMPLE = 2000
MAX_HOUR_SPAN = 200_000  # hours (23 years) a block's offsets are looked up for at once


@dataclass
class ParseStats:
    formats: dict[str, int] = field(default_factory=dict)
    unparsed: int = 0
    ambiguous: int = 0
    nonexistent: int = 0
    offsets: list[str] = field(default_factory=list)
    fractions: bool = False  # fractions of a second were present (and dropped)

    def as_dict(self) -> dict:
        return {
            "fractions_of_seconds": self.fractions,
            "formats": self.formats,
            "unparsed": self.unparsed,
            "ambiguous_resolved": self.ambiguous,
            "nonexistent_shifted": self.nonexistent,
            "utc_offsets_seen": self.offsets,
        }

    def count(self, fmt: str, rows: int) -> None:
        """Add the rows one format read (the import meets a column block by block)."""
        self.formats[fmt] = self.formats.get(fmt, 0) + rows


def _sample(values: pa.Array) -> list[str]:
    valid = pc.drop_null(values)
    if len(valid) <= SAMPLE:
        return valid.to_pylist()
    step = max(len(valid) // SAMPLE, 1)
    return valid.take(pa.array(np.arange(0, len(valid), step)[:SAMPLE])).to_pylist()


def _any_in_sample(sample: list[str], candidates: pa.Array, test: Callable) -> bool:
    """Whether `test` holds for a sample value. `candidates` (an Arrow kernel's answer for every
    value at once) rules out the values that cannot match, so few reach the Python regex."""
    picked = np.flatnonzero(pc.fill_null(candidates, False).to_numpy(zero_copy_only=False))
    return any(test(sample[i]) for i in picked)


def _strptime(values: pa.Array, fmt: str) -> pa.Array:
    return pc.strptime(values, format=fmt, unit="s", error_is_null=True)


MISSING = pa.array(
    ["", "NA", "N/A", "NULL", "None", "none", "null", "nan", "NaN", "-", "--", "#N/A"], pa.string()
)


def _to_arrow(series: pd.Series) -> pa.Array:
    values = pa.array(series.array, type=pa.string(), from_pandas=True)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values


class _Columns:
    """Parsed values kept as int64 seconds in numpy, filled format by format.

    Each pass after the first works on the rows still unread only (`take` by index), so a
    column where one format reads nearly everything costs one strptime over it. Blanks and
    missing tokens ("NA", "NULL"…) are not looked for up front: they never parse, so they are
    set apart from the rows still unread once a format has read the rest.
    """

    def __init__(self, values: pa.Array) -> None:
        self.values = values
        n = len(values)
        self.naive = np.full(n, np.iinfo("int64").min, dtype="int64")
        self.aware = np.full(n, np.iinfo("int64").min, dtype="int64")
        self.hint = np.full(n, np.nan)
        self.todo = np.arange(n)
        self.missing_dropped = False

    def pending(self) -> pa.Array:
        if len(self.todo) == len(self.values):
            return self.values
        return self.values.take(pa.array(self.todo))

    def drop_missing(self) -> None:
        """Leave out of the rows still unread those that are blank or a missing token."""
        if self.missing_dropped:
            return
        pending = self.pending()
        usable = pc.and_(pc.is_valid(pending), pc.invert(pc.is_in(pending, value_set=MISSING)))
        self.todo = self.todo[pc.fill_null(usable, False).to_numpy(zero_copy_only=False)]
        self.missing_dropped = True

    def store(self, parsed: pa.Array, target: np.ndarray) -> np.ndarray:
        """Write parsed values (aligned with `todo`) into target; return the positions read."""
        got = pc.fill_null(pc.is_valid(parsed), False).to_numpy(zero_copy_only=False)
        if not got.any():
            return got
        if parsed.null_count == 0:
            seconds = pc.cast(pc.cast(parsed, pa.timestamp("s")), pa.int64())
        else:
            seconds = pc.cast(pc.cast(parsed.filter(pa.array(got)), pa.timestamp("s")), pa.int64())
        target[self.todo[got]] = seconds.to_numpy(zero_copy_only=False)
        return got

    def done(self, got: np.ndarray) -> None:
        self.todo = self.todo[~got]
        self.drop_missing()


def parse_naive(series: pd.Series, stats: ParseStats) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(naive local datetimes, UTC datetimes of values that carried an offset, DST hint)."""
    values = _to_arrow(series)
    if (
        len(values)
        and pc.any(
            pc.match_substring_regex(values.slice(0, min(len(values), 1000)), r"^\s|\s$")
        ).as_py()
    ):
        values = pc.utf8_trim_whitespace(values)
    sample = [s for s in _sample(values) if s]
    if sample and any(FRACTION.search(s) for s in sample[:200]):
        # "2024-03-01 00:00:00.000" (SQL Server exports): the fraction of a second is dropped.
        values = pc.replace_substring_regex(values, FRACTION.pattern, r"\1")
        sample = [FRACTION.sub(r"\1", s) for s in sample]
        stats.fractions = True
    cols = _Columns(values)
    probe = pa.array(sample, pa.string())
    could_have_offset = pc.match_substring_regex(probe, "[+Z-]")  # the pattern needs one
    if sample and _any_in_sample(sample, could_have_offset, ENDS_WITH_OFFSET.search):
        for fmt in OFFSET_FORMATS:
            if not len(cols.todo):
                break
            got = cols.store(_strptime(cols.pending(), fmt), cols.aware)
            if got.any():
                stats.count(fmt.replace("%z", "±hh:mm"), int(got.sum()))
                cols.done(got)
        offsets = {m.group(1) for s in sample if (m := UTC_OFFSET.search(s))}
        stats.offsets = sorted(set(stats.offsets) | offsets)
    lengths = pc.utf8_length(probe)
    could_be_compact = pc.and_(pc.greater_equal(lengths, 14), pc.less_equal(lengths, 17))
    if sample and _any_in_sample(sample, could_be_compact, COMPACT.match) and len(cols.todo):
        left = cols.pending()
        matches = pc.fill_null(pc.match_substring_regex(left, r"^\d{14}([A-Z]{2})?$"), False)
        parsed = pc.if_else(
            matches,
            _strptime(pc.utf8_slice_codeunits(left, 0, 14), "%Y%m%d%H%M%S"),
            pa.scalar(None, pa.timestamp("s")),
        )
        got = cols.store(parsed, cols.naive)
        if got.any():
            second = np.asarray(pc.utf8_slice_codeunits(left, 15, 16).to_pylist(), dtype=object)
            rows = cols.todo[got]
            cols.hint[rows] = np.where(
                second[got] == "D", 1.0, np.where(second[got] == "S", 0.0, np.nan)
            )
            stats.count("YYYYMMDDhhmmss+zone", int(got.sum()))
            cols.done(got)
    could_be_serial = pc.invert(pc.match_substring_regex(probe, "[ :/-]"))
    if (
        sample
        and _any_in_sample(sample, could_be_serial, EXCEL_SERIAL.fullmatch)
        and len(cols.todo)
    ):
        numbers = pd.to_numeric(
            pd.Series(cols.pending().to_pylist(), dtype="object"), errors="coerce"
        )
        ok = numbers.between(20000, 80000).to_numpy()
        if ok.any():
            days = pd.to_datetime(numbers[ok], unit="D", origin="1899-12-30").dt.round("s")
            cols.naive[cols.todo[ok]] = days.astype("datetime64[s]").astype("int64").to_numpy()
            stats.count("Excel serial date", int(ok.sum()))
            cols.done(ok)
    for fmt in NAIVE_FORMATS:
        if not len(cols.todo):
            break
        if not len(probe) or _strptime(probe, fmt).null_count == len(probe):
            continue
        got = cols.store(_strptime(cols.pending(), fmt), cols.naive)
        if got.any():
            stats.count(fmt, int(got.sum()))
            cols.done(got)
    # Rows in a shape the sample did not show: try every format on those rows only.
    cols.drop_missing()
    for fmt in NAIVE_FORMATS:
        if not len(cols.todo):
            break
        got = cols.store(_strptime(cols.pending(), fmt), cols.naive)
        if got.any():
            stats.count(fmt, int(got.sum()))
            cols.done(got)
    stats.unparsed += len(cols.todo)
    naive = pd.Series(cols.naive.view("datetime64[s]"), index=series.index)
    aware = pd.Series(cols.aware.view("datetime64[s]"), index=series.index).dt.tz_localize("UTC")
    return naive, aware, pd.Series(cols.hint, index=series.index)


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
    """Naive wall-clock times in `tz` as UTC; ambiguous and skipped times resolved and counted.

    The zone's offset is worked out once per distinct wall-clock hour (a year has 8,760), not
    per call: daylight-saving changes happen on the hour in the zones this program serves.
    """
    if naive.notna().sum() == 0:
        return pd.Series(pd.NaT, index=naive.index, dtype="datetime64[s, UTC]")
    if hint.notna().any():
        return _localise_rows(naive, tz, hint, stats)
    seconds = naive.to_numpy(dtype="datetime64[s]").astype("int64")
    valid = naive.notna().to_numpy()
    hours = np.where(valid, seconds // 3600, 0)
    first, last = int(hours[valid].min()), int(hours[valid].max())
    if last - first < MAX_HOUR_SPAN:
        # Every hour from the block's first to its last: a subtraction instead of a hash of
        # each row's hour (a block of a time-ordered export spans a few days).
        unique_hours = np.arange(first, last + 1, dtype="int64")
        codes = np.where(valid, hours - first, 0)
    else:
        codes, unique_hours = pd.factorize(hours)
    buckets = pd.Series((unique_hours * 3600).astype("datetime64[s]"))
    strict = buckets.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    resolved = buckets.dt.tz_localize(
        tz, ambiguous=np.ones(len(buckets), dtype=bool), nonexistent=pd.Timedelta(hours=1)
    )
    kept = buckets.dt.tz_localize(
        tz, ambiguous=np.ones(len(buckets), dtype=bool), nonexistent="NaT"
    )
    utc_buckets = resolved.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[s]")
    offset = utc_buckets.astype("int64") - unique_hours * 3600
    ambiguous = (strict.isna() & kept.notna()).to_numpy()
    skipped = kept.isna().to_numpy()
    if ambiguous.any():
        stats.ambiguous += int(ambiguous[codes[valid]].sum())
    if skipped.any():
        stats.nonexistent += int(skipped[codes[valid]].sum())
    utc = (seconds + offset[codes]).view("datetime64[s]")
    result = pd.Series(utc, index=naive.index).dt.tz_localize("UTC")
    return result.where(valid)


def _localise_rows(naive: pd.Series, tz: str, hint: pd.Series, stats: ParseStats) -> pd.Series:
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
    if local.dtype == aware.dtype and not aware.notna().any():
        return local  # no value carried an offset (the usual case): nothing to combine
    return aware.where(aware.notna(), local)
