"""From raw text chunks to normalised call records, with the data-quality rules a CAD analyst
expects. `Normaliser.chunk` handles one block of rows (parse, drop, flag); `Normaliser.finish`
handles what needs the whole file (several records of one incident, durations, local time).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from calldata.engine.fields import MISSING_TOKENS, TIMESTAMP_FIELDS
from calldata.engine.taxonomy import CANCELLED, NOT_A_CALL, initiated_by, markers_for
from calldata.engine.timestamps import ParseStats, parse_timestamps

EXAMPLES = 5
TEXT_FIELDS = [
    "incident_id",
    "priority",
    "disposition",
    "beat",
    "address",
    "unit_type",
    "source",
    "remarks",
    "call_type_initial",
]
CATEGORY_COLUMNS = [
    "call_type",
    "call_type_initial",
    "priority",
    "disposition",
    "beat",
    "unit_type",
    "source",
    "initiated",
]
TRUE_VALUES = {"1", "Y", "YES", "TRUE", "T", "X"}
DEDUP_RULE = (
    "One record per incident id: the record received first is kept; its dispatch, en-route and "
    "arrival times are the earliest among the records and its clear time the latest; the call "
    "type is the last record's (the final call type); units are added up (or counted, one per "
    "record, when the file has no units column)."
)


@dataclass
class Issues:
    """Counts and the first examples (with line numbers) of each problem found."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))

    def add(
        self,
        reason: str,
        frame: pd.DataFrame,
        mask: pd.Series | np.ndarray,
        value: pd.Series | tuple[pd.Series, ...] | None = None,
    ) -> None:
        """Count the rows in `mask`; keep the first few with the value shown (formatted here,
        for those few rows only: formatting a million timestamps costs seconds)."""
        mask = np.asarray(mask, dtype=bool)
        count = int(mask.sum())
        if not count:
            return
        self.counts[reason] += count
        room = EXAMPLES - len(self.examples[reason])
        if room <= 0:
            return
        positions = np.flatnonzero(mask)[:room]
        parts = value if isinstance(value, tuple) else (value,) if value is not None else ()
        for position in positions:
            incident = frame["incident_id"].iloc[position] if "incident_id" in frame else None
            shown = ",".join(
                "" if pd.isna(p.iloc[position]) else str(p.iloc[position]) for p in parts
            )
            self.examples[reason].append(
                {
                    "line": int(frame["line"].iloc[position]),
                    "incident_id": "" if incident is None or pd.isna(incident) else str(incident),
                    "value": shown[:120],
                }
            )

    def as_dict(self) -> dict:
        return {
            reason: {"count": count, "examples": self.examples.get(reason, [])}
            for reason, count in self.counts.items()
        }


def _normalise_labels(values: pd.Series) -> pd.Series:
    """Upper case, single spaces; computed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = pd.Index(uniques).astype("str").str.upper().str.split().str.join(" ")
    table = np.append(np.asarray(cleaned, dtype=object), None)
    return pd.Series(table[codes], index=values.index, dtype="str")


NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _to_float(values: pd.Series) -> pd.Series:
    """Text to float in Arrow's kernels; anything that is not a number becomes NaN."""
    array = pa.array(values, type=pa.string(), from_pandas=True)
    array = pc.utf8_trim_whitespace(array)
    valid = pc.fill_null(pc.match_substring_regex(array, NUMBER), False)
    numbers = pc.cast(pc.if_else(valid, array, pa.scalar(None, pa.string())), pa.float64())
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=values.index, dtype="float64")


def _matches(values: pd.Series, patterns: dict[str, str]) -> dict[str, np.ndarray]:
    """Regex tests on the distinct values only, spread back to every row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    labels = pd.Series(pd.Index(uniques).astype("str"), dtype="object")
    result = {}
    for name, pattern in patterns.items():
        table = np.append(labels.str.contains(pattern, regex=True, na=False).to_numpy(bool), False)
        result[name] = table[codes]
    return result


class Normaliser:
    def __init__(self, mapping: dict, tz: str) -> None:
        self.fields: dict[str, str] = dict(mapping.get("fields", {}))
        self.flags: dict[str, str] = dict(mapping.get("flags", {}))
        self.tz = tz
        self.rows_read = 0
        self.empty_rows = 0
        self.rejected = Issues()
        self.dropped = Issues()
        self.flagged = Issues()
        self.time_stats: dict[str, ParseStats] = defaultdict(ParseStats)

    @property
    def columns(self) -> list[str]:
        """The file's columns this mapping reads."""
        return list(dict.fromkeys([*self.fields.values(), *self.flags.values()]))

    def _text(self, raw: pd.DataFrame, name: str) -> pd.Series | None:
        header = self.fields.get(name)
        if not header or header not in raw:
            return None
        values = raw[header].astype("str").str.strip()
        return values.where(~values.isin(MISSING_TOKENS))

    def chunk(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Normalise one block; rows that are not calls or cannot be read are left out."""
        for line in raw.attrs.get("bad_rows", []):
            self.rejected.counts["wrong number of fields"] += 1
            if len(self.rejected.examples["wrong number of fields"]) < EXAMPLES:
                self.rejected.examples["wrong number of fields"].append(
                    {"line": line, "incident_id": "", "value": ""}
                )
        self.rows_read += len(raw) + len(raw.attrs.get("bad_rows", []))
        out = pd.DataFrame(index=raw.index)
        out["line"] = raw["_line"].astype("int64")
        texts = {
            name: self._text(raw, name) for name in [*TEXT_FIELDS, "call_type", "call_type_final"]
        }
        for name in TEXT_FIELDS:
            if texts[name] is not None:
                out[name] = texts[name]
        call_type = texts["call_type_final"]
        if call_type is None:
            call_type = texts["call_type"]
        elif texts["call_type"] is not None:
            call_type = call_type.fillna(texts["call_type"])
        if call_type is None:
            call_type = texts["call_type_initial"]
        if call_type is None:
            call_type = pd.Series(pd.NA, index=raw.index, dtype="str")
        elif texts["call_type_initial"] is not None:
            call_type = call_type.fillna(texts["call_type_initial"])
        out["call_type"] = _normalise_labels(call_type)
        # Rows with nothing in any mapped column (",,,,," lines, trailing blank rows).
        blank = np.ones(len(raw), dtype=bool)
        for header in self.columns:
            if header in raw:
                column = raw[header]
                blank &= (column.isna() | column.str.strip().isin(MISSING_TOKENS)).to_numpy()
        self.empty_rows += int(blank.sum())
        keep = ~blank
        disposition = out.get("disposition", None)
        type_words = _matches(
            out["call_type"],
            {w: rf"\b{w}\b" for w in ("VOID", "TEST", "DUPLICATE")}
            | {"not_a_call": NOT_A_CALL, "cancelled": CANCELLED},
        )
        if disposition is not None:
            dispo_words = _matches(
                disposition.str.upper(),
                {w: rf"\b{w}\b" for w in ("VOID", "TEST", "DUPLICATE")}
                | {"not_a_call": NOT_A_CALL, "cancelled": CANCELLED},
            )
        not_a_call = type_words["not_a_call"] | (
            dispo_words["not_a_call"] if disposition is not None else False
        )
        for word in ("VOID", "TEST", "DUPLICATE"):
            hit = (
                keep
                & not_a_call
                & (type_words[word] | (dispo_words[word] if disposition is not None else False))
            )
            self.dropped.add(f"{word} record", out, hit, out["call_type"])
            keep &= ~hit
        keep &= ~not_a_call
        missing_type = keep & out["call_type"].isna().to_numpy()
        self.rejected.add("no call type", out, missing_type)
        keep &= ~missing_type
        # Timestamps.
        for name in TIMESTAMP_FIELDS:
            header = self.fields.get(name)
            clock = None
            if name == "received_at" and not header and self.fields.get("received_date"):
                header = self.fields["received_date"]
                clock_header = self.fields.get("received_clock")
                clock = raw.get(clock_header, None)
            if not header or header not in raw:
                continue
            values = raw[header].where(~raw[header].astype("str").str.strip().isin(MISSING_TOKENS))
            if clock is not None:
                clock = clock.where(~clock.astype("str").str.strip().isin(MISSING_TOKENS))
            parsed = parse_timestamps(values, self.tz, self.time_stats[name], clock=clock)
            out[name] = parsed
            if name == "received_at":
                shown = values if clock is None else (values, clock)
                unreadable = keep & parsed.isna() & values.notna()
                self.rejected.add("received time unreadable", out, unreadable, shown)
                missing = keep & values.isna()
                self.rejected.add("received time missing", out, missing)
                keep &= parsed.notna()
        if "received_at" not in out:
            out["received_at"] = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[s, UTC]")
        # Priority level: the first number in the text ("Priority 2", "P1", "2 - Urgent").
        if "priority" in out:
            priority = out["priority"].astype("category")
            levels = pd.to_numeric(
                priority.cat.categories.str.extract(r"(\d+)", expand=False), errors="coerce"
            )
            table = np.append(np.asarray(levels, dtype="float64"), np.nan)
            out["priority_level"] = pd.array(
                table[priority.cat.codes.to_numpy()], dtype="Float64"
            ).astype("Int16")
        for coordinate in ("latitude", "longitude"):
            text = self._text(raw, coordinate)
            if text is not None:
                out[coordinate] = _to_float(text)
        if "units" in self.fields:
            units = _to_float(self._text(raw, "units"))
            out["units"] = units.where(units >= 0)
        for flag, header in self.flags.items():
            if header in raw:
                out[f"flag_{flag}"] = (
                    raw[header].astype("str").str.strip().str.upper().isin(TRUE_VALUES)
                )
        cancelled = type_words["cancelled"]
        if disposition is not None:
            cancelled = cancelled | dispo_words["cancelled"]
        out["cancelled"] = cancelled
        return out.loc[keep]

    def finish(self, frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, dict]:
        df = (
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(
                {
                    "line": pd.Series(dtype="int64"),
                    "call_type": pd.Series(dtype="str"),
                    "received_at": pd.Series(dtype="datetime64[s, UTC]"),
                    "cancelled": pd.Series(dtype="bool"),
                }
            )
        )
        report: dict = {}
        df, report["duplicates"] = self._merge_duplicates(df)
        for name in TIMESTAMP_FIELDS:
            if name not in df:
                df[name] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[s, UTC]")
        self._order_and_durations(df)
        self._coordinates(df)
        self._markers_and_source(df)
        self._local_time(df)
        self.flagged.add("cancelled (kept, flagged)", df, df["cancelled"], df["call_type"])
        for column in CATEGORY_COLUMNS:
            if column in df:
                df[column] = df[column].astype("category")
        report.update(self._report(df))
        return df, report

    def _merge_duplicates(self, df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
        if "incident_id" not in df or df.empty:
            return df, {"incidents": 0, "records_merged": 0, "rule": DEDUP_RULE, "examples": []}
        duplicated = df["incident_id"].notna() & df["incident_id"].duplicated(keep=False)
        if not duplicated.any():
            return df, {"incidents": 0, "records_merged": 0, "rule": DEDUP_RULE, "examples": []}
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
                {"incident_id": str(k), "lines": [int(x) for x in v][:10]}
                for k, v in examples.items()
            ],
        }
        if "units" not in df:
            df["units"] = np.where(duplicated, np.nan, 1.0)
        df = pd.concat([df.loc[~duplicated], merged[df.columns]], ignore_index=True)
        return df.sort_values("line", ignore_index=True), report

    def _order_and_durations(self, df: pd.DataFrame) -> None:
        r, d, e, a, c = (df[n] for n in TIMESTAMP_FIELDS)
        self.flagged.add("dispatched before received", df, d < r, (r, d))
        self.flagged.add("arrived before dispatched", df, a < d, (d, a))
        self.flagged.add("cleared before arrival", df, c < a, (a, c))
        if "dispatched_at" in self.fields:
            self.flagged.add("arrival without dispatch", df, a.notna() & d.isna(), a)
        on_scene = (c - a).dt.total_seconds() / 60
        self.flagged.add("zero or negative time on scene", df, on_scene <= 0, on_scene)
        df["time_on_task_min"] = on_scene.where(on_scene > 0).astype("float32")
        response = (a - r).dt.total_seconds() / 60
        df["response_min"] = response.where(response >= 0).astype("float32")
        start = d.fillna(e).fillna(a)
        busy = (c - start).dt.total_seconds() / 3600
        busy = busy.where(busy > 0)
        self.flagged.add("over 24 hours busy (ignored)", df, busy > 24, busy)
        busy = busy.where(busy <= 24)
        units = df["units"].fillna(1.0) if "units" in df else 1.0
        df["unit_hours"] = (busy * units).astype("float32")

    def _coordinates(self, df: pd.DataFrame) -> None:
        if "latitude" not in df or "longitude" not in df:
            return
        lat, lon = df["latitude"], df["longitude"]
        placeholder = (lat.notna() & lon.notna()) & (
            ((lat.abs() < 0.001) & (lon.abs() < 0.001))
            | (lat.abs() > 90)
            | (lon.abs() > 180)
            | (lat.abs() < 0.001)
            | (lon.abs() < 0.001)
            | ((lat - lon).abs() < 1e-9)
        )
        self.flagged.add("placeholder coordinates (cleared)", df, placeholder, (lat, lon))
        self.flagged.add("no coordinates", df, lat.isna() | lon.isna())
        df.loc[placeholder, ["latitude", "longitude"]] = np.nan

    def _markers_and_source(self, df: pd.DataFrame) -> None:
        types = df["call_type"].astype("category")
        distinct = list(types.cat.categories)
        markers = markers_for(distinct)
        texts = [types]
        if "call_type_initial" in df:
            texts.append(df["call_type_initial"].astype("str").str.upper().astype("category"))
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
        if "source" in df:
            source = df["source"].astype("category")
            lookup = initiated_by(list(source.cat.categories))
            df["initiated"] = source.map(lookup).astype("str").fillna("unknown")
            df["initiated"] = df["initiated"].where(source.notna(), "unknown")
        else:
            df["initiated"] = "unknown"

    def _local_time(self, df: pd.DataFrame) -> None:
        local = df["received_at"].dt.tz_convert(self.tz)
        months = (local.dt.year * 100 + local.dt.month).to_numpy(dtype="int64")
        unique = np.unique(months)
        labels = [f"{m // 100:04d}-{m % 100:02d}" for m in unique]
        df["year_month"] = pd.Categorical.from_codes(
            np.searchsorted(unique, months), categories=labels
        )
        df["local_date"] = local.dt.tz_localize(None).dt.normalize().astype("datetime64[s]")
        df["hour"] = local.dt.hour.astype("int8")
        df["dow"] = local.dt.day_of_week.astype("int8")
        df["how"] = (df["dow"].astype("int16") * 24 + df["hour"]).astype("int16")

    def _report(self, df: pd.DataFrame) -> dict:
        received = df["received_at"]
        timestamps = {}
        for name in TIMESTAMP_FIELDS:
            if name in self.fields or (name == "received_at" and "received_date" in self.fields):
                stats = self.time_stats[name].as_dict()
                stats["missing"] = int(df[name].isna().sum())
                timestamps[name] = stats
        return {
            "rows_read": self.rows_read,
            "rows_kept": len(df),
            "empty_rows": self.empty_rows,
            "rejected": self.rejected.as_dict(),
            "rows_rejected": int(sum(self.rejected.counts.values())),
            "dropped": self.dropped.as_dict(),
            "rows_dropped": int(sum(self.dropped.counts.values())),
            "flagged": self.flagged.as_dict(),
            "timestamps": timestamps,
            "time_zone": self.tz,
            "date_range": [
                received.min().tz_convert(self.tz).isoformat() if len(df) else None,
                received.max().tz_convert(self.tz).isoformat() if len(df) else None,
            ],
            "initiated": {k: int(v) for k, v in df["initiated"].value_counts().items()},
            "markers": {m: int(df[m].sum()) for m in ("weapon", "violence", "urgent", "injury")},
        }
