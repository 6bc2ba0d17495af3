"""`Normaliser`: raw text chunks to normalised call records, with the data-quality rules a CAD
analyst expects, and the quality report of the whole file."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import Future

import numpy as np
import pandas as pd

from calldata.engine.code_lists import ReadingRules
from calldata.engine.codes import SEPARATOR, describer, split_label
from calldata.engine.fields import ADDRESS_PARTS, CLOCK_FIELDS, MISSING_TOKENS, TIMESTAMP_FIELDS
from calldata.engine.normalise.columns import (
    add_priority_level,
    call_type_label,
    clean_arrow,
    clean_by_value,
    described,
    encode,
    joined_address,
    parse_pool,
    strip_missing,
    to_float,
    unify_categories,
    value_counts,
)
from calldata.engine.normalise.derived import (
    add_initiated,
    add_local_time,
    add_markers,
    clear_placeholder_coordinates,
    order_and_durations,
)
from calldata.engine.normalise.duplicates import merge_duplicates, no_duplicates
from calldata.engine.normalise.issues import EXAMPLES, Issues, accounting
from calldata.engine.normalise.kinds import record_kinds
from calldata.engine.normalise.report import clock_warnings, code_table_report
from calldata.engine.timestamps import ParseStats, parse_timestamps

# Fields whose placeholder values (-1, 0, UNK…) mean "not known".
SENTINEL_FIELDS = ("beat", "unit_type")
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
LOW_CARDINALITY = {
    "priority",
    "disposition",
    "beat",
    "unit_type",
    "source",
    "call_type",
    "call_type_final",
    "call_type_initial",
}

# The columns a code table describes, by the kind of table.
DESCRIBED = {
    "call_type": "call_type",
    "call_type_initial": "call_type",
    "disposition": "disposition",
    "beat": "beat",
}


class Normaliser:
    def __init__(
        self,
        mapping: dict,
        tz: str,
        rules: ReadingRules | None = None,
        code_tables: dict[str, dict[str, str]] | None = None,
    ) -> None:
        """`rules`: the jurisdiction's disposition codes and unknown values (engine/code_lists.py);
        `code_tables`: {kind: {code: description}} (engine/codes.py), kinds call_type,
        disposition and beat."""
        self.rules = rules or ReadingRules()
        self.code_tables = {k: v for k, v in (code_tables or {}).items() if v}
        # Call types are compared upper-case everywhere (keywords, scenarios, trees): so are
        # their descriptions.
        upper = {
            code: description.upper()
            for code, description in self.code_tables.get("call_type", {}).items()
        }
        self.describers = {
            column: describer(upper if kind == "call_type" else self.code_tables.get(kind))
            for column, kind in DESCRIBED.items()
        }
        # Rows per code that the table of its kind does not describe (for the report).
        self.undescribed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.described_rows: dict[str, int] = defaultdict(int)
        self.fields: dict[str, str] = dict(mapping.get("fields", {}))
        self.flags: dict[str, str] = dict(mapping.get("flags", {}))
        # Time-of-day columns of the later timestamps whose date is in the mapped column.
        self.clocks: dict[str, str] = {
            name: header
            for name, header in mapping.get("clock_columns", {}).items()
            if name in CLOCK_FIELDS and header
        }
        self.address_parts: dict[str, str] = {
            part: header
            for part, header in mapping.get("address_parts", {}).items()
            if part in ADDRESS_PARTS and header
        }
        self.tz = tz
        self.rows_read = 0
        self.empty_rows = 0
        self.rejected = Issues()
        self.dropped = Issues()
        self.unknown = Issues()  # placeholder values read as unknown (chunk's own part)
        self.flagged = Issues()
        self.time_stats: dict[str, ParseStats] = defaultdict(ParseStats)
        self.rows_kept = 0
        self.missing_times: dict[str, int] = defaultdict(int)
        self.received_range: list = [None, None]
        self.initiated: dict[str, int] = defaultdict(int)
        self.markers = dict.fromkeys(("weapon", "violence", "urgent", "injury"), 0)
        self.minutes = np.zeros(1440, dtype="int64")  # calls received at each local minute

    @property
    def columns(self) -> list[str]:
        """The file's columns this mapping reads."""
        return list(
            dict.fromkeys(
                [
                    *self.fields.values(),
                    *self.flags.values(),
                    *self.address_parts.values(),
                    *self.clocks.values(),
                ]
            )
        )

    @property
    def coded_columns(self) -> list[str]:
        """The file's columns with few distinct values, read dictionary-encoded."""
        return [h for name, h in self.fields.items() if name in LOW_CARDINALITY]

    def _text(self, raw: pd.DataFrame, name: str) -> pd.Series | None:
        header = self.fields.get(name)
        if not header or header not in raw:
            return None
        if name in LOW_CARDINALITY or name in SENTINEL_FIELDS:
            # A placeholder beat (-1, 0, UNK) stays unknown even when the beat table lists it.
            clean = self._known if name in SENTINEL_FIELDS else strip_missing
            with_text = described(clean, self.describers.get(name))
            return self._count_described(name, clean_by_value(raw[header], with_text))
        return clean_arrow(raw[header])

    def _known(self, label: object) -> str | None:
        """A beat, area or unit type; the jurisdiction's placeholders (-1, 0, UNK) are unknown."""
        text = strip_missing(label)
        return None if text is None or self.rules.is_unknown(text) else text

    def _count_described(self, name: str, values: pd.Series) -> pd.Series:
        kind = DESCRIBED.get(name)
        if name == "call_type_initial" or kind not in self.code_tables:
            return values
        for value, rows in value_counts(values):
            if not isinstance(value, str):  # missing
                continue
            if SEPARATOR in value:
                self.described_rows[kind] += rows
            else:
                self.undescribed[kind][value] += rows
        return values

    def chunk(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Normalise one block; rows that are not calls or cannot be read are left out. The
        steps add the block's columns in a fixed order (the Parquet schema follows it)."""
        self._count_rows_read(raw)
        out = pd.DataFrame(index=raw.index)
        out["line"] = raw["_line"].astype("int64")
        self._clean_text_columns(raw, out)
        self._count_unknown_placeholders(raw, out)
        out["call_type"] = self._final_call_type(raw)
        keep = ~self._count_blank_rows(raw, out)
        keep = self._classify_records(out, keep)
        keep = self._reject_missing_call_type(out, keep)
        # Numbers and timestamps: the columns are parsed side by side (Arrow's casts and
        # strptime run without the GIL); each timestamp column has its own statistics.
        numbers = self._start_parsing_numbers(raw)
        keep = self._parse_times(raw, out, keep)
        add_priority_level(out)
        self._add_numbers(out, numbers)
        self._read_flags(raw, out)
        return out.loc[keep]

    def _count_rows_read(self, raw: pd.DataFrame) -> None:
        """Rows read, with those the reader skipped for a wrong number of fields rejected."""
        bad_rows = raw.attrs.get("bad_rows", [])
        for bad in bad_rows:
            # A line number, or the row's text when the reader did not know its line (the
            # pipeline finds it: reading.find_lines).
            self.rejected.counts["wrong number of fields"] += 1
            if len(self.rejected.examples["wrong number of fields"]) < EXAMPLES:
                self.rejected.examples["wrong number of fields"].append(
                    {
                        "line": bad if isinstance(bad, int) else None,
                        "incident_id": "",
                        "value": "" if isinstance(bad, int) else str(bad)[:120],
                    }
                )
        self.rows_read += len(raw) + len(bad_rows)

    def _clean_text_columns(self, raw: pd.DataFrame, out: pd.DataFrame) -> None:
        """The text fields, stripped and with missing tokens blanked; the address assembled from
        its parts when the file splits it."""
        texts = {name: self._text(raw, name) for name in TEXT_FIELDS}
        if texts["address"] is None and self.address_parts:
            texts["address"] = joined_address(raw, self.address_parts)
        for name in TEXT_FIELDS:
            if texts[name] is not None:
                out[name] = texts[name]

    def _count_unknown_placeholders(self, raw: pd.DataFrame, out: pd.DataFrame) -> None:
        """Placeholders read as unknown (beat -1, unit type UNK) are counted (blank is simply
        missing)."""
        for name in SENTINEL_FIELDS:
            header = self.fields.get(name)
            if header in raw:
                codes, labels = encode(raw[header])
                table = np.array(
                    [strip_missing(v) is not None and self.rules.is_unknown(v) for v in labels]
                    + [False]
                )
                hit = table[np.where(codes < 0, len(labels), codes)]
                self.unknown.add(f"{name.replace('_', ' ')} unknown", out, hit, raw[header])

    def _final_call_type(self, raw: pd.DataFrame) -> pd.Series:
        """The final call type, else the plain one, else the initial one; cleaned, upper-case
        and described by the call-type table."""
        raw_types = [
            raw[self.fields[n]]
            for n in ("call_type_final", "call_type", "call_type_initial")
            if self.fields.get(n) in raw
        ]
        if not raw_types:
            return pd.Series(pd.Categorical([None] * len(raw)), index=raw.index)
        combined = raw_types[0]
        for fallback in raw_types[1:]:
            empty = combined.isna() | combined.astype("str").str.strip().isin(MISSING_TOKENS)
            combined = combined.where(~empty, fallback)
        return self._count_described(
            "call_type",
            clean_by_value(combined, described(call_type_label, self.describers["call_type"])),
        )

    def _count_blank_rows(self, raw: pd.DataFrame, out: pd.DataFrame) -> np.ndarray:
        """Rows with nothing in any column read (counted as empty, not as rejected)."""
        # Only rows without a call type can be blank, so only those are looked at.
        blank = out["call_type"].isna().to_numpy().copy()
        candidates = np.flatnonzero(blank)
        if len(candidates):
            cells = raw.iloc[candidates][[h for h in self.columns if h in raw]]
            empty = cells.isna() | cells.apply(lambda c: c.astype("str").str.strip()).isin(
                MISSING_TOKENS
            )
            blank[candidates] = empty.all(axis=1).to_numpy()
        self.empty_rows += int(blank.sum())
        return blank

    def _classify_records(self, out: pd.DataFrame, keep: np.ndarray) -> np.ndarray:
        """Records that are not calls are dropped, each value counted on its own ("disposition
        DUP: 418"); cancelled and unfounded calls are kept and flagged."""
        kinds = [(*record_kinds(self.rules, out["call_type"], first_word=False), "call type")]
        disposition = out.get("disposition", None)
        if disposition is not None:
            kinds.append((*record_kinds(self.rules, disposition, first_word=True), "disposition"))
        cancelled = np.zeros(len(out), dtype=bool)
        unfounded = np.zeros(len(out), dtype=bool)
        for kind, labels, codes, what in kinds:
            for index in np.flatnonzero(kind == 1):
                hit = keep & (codes == index)
                # Counted by its code ("disposition DUP"), described by a code table or not;
                # the example shows the call type the dropped record carried.
                code = split_label(str(labels[index]))[0]
                self.dropped.add(f"{what} {code}", out, hit, out["call_type"])
                keep &= ~hit
            cancelled |= (kind == 2)[codes]
            unfounded |= (kind == 3)[codes]
        out["cancelled"] = cancelled
        out["unfounded"] = unfounded
        return keep

    def _reject_missing_call_type(self, out: pd.DataFrame, keep: np.ndarray) -> np.ndarray:
        missing_type = keep & out["call_type"].isna().to_numpy()
        self.rejected.add("no call type", out, missing_type)
        return keep & ~missing_type

    def _start_parsing_numbers(self, raw: pd.DataFrame) -> dict[str, Future]:
        """Coordinates and units, parsed in the pool while the timestamps are."""
        return {
            name: parse_pool().submit(to_float, raw[self.fields[name]])
            for name in ("latitude", "longitude", "units")
            if self.fields.get(name) in raw
        }

    def _parse_times(self, raw: pd.DataFrame, out: pd.DataFrame, keep: np.ndarray) -> np.ndarray:
        """Each timestamp column (a date and a time of day put together where the file splits
        them) parsed in the pool; rows whose received time is missing or unreadable rejected."""
        columns = self._timestamp_columns(raw)
        parsed_columns = dict(
            zip(
                columns,
                parse_pool().map(
                    lambda args: parse_timestamps(args[0], self.tz, args[2], clock=args[1]),
                    columns.values(),
                ),
                strict=True,
            )
        )
        for name, parsed in parsed_columns.items():
            out[name] = parsed
        if "received_at" in columns:
            values, clock, _ = columns["received_at"]
            parsed = parsed_columns["received_at"]
            keep = self._reject_received_unread(out, parsed, values, clock, keep)
        self._clock_times_after_midnight(out)
        if "received_at" not in out:
            out["received_at"] = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[s, UTC]")
        return keep

    def _timestamp_columns(
        self, raw: pd.DataFrame
    ) -> dict[str, tuple[pd.Series, pd.Series | None, ParseStats]]:
        """{field: (the column read, its time-of-day column or None, its statistics)}."""
        columns = {}
        for name in TIMESTAMP_FIELDS:
            header = self.fields.get(name)
            clock = None
            if name == "received_at" and not header and self.fields.get("received_date"):
                header = self.fields["received_date"]
                clock_header = self.fields.get("received_clock")
                clock = raw.get(clock_header, None)
            elif name in self.clocks:
                # "Dispatch Date" + "Dispatch Time": the mapped column holds the date.
                clock = raw.get(self.clocks[name], None)
            if header and header in raw:
                columns[name] = (raw[header], clock, self.time_stats[name])
        return columns

    def _reject_received_unread(
        self,
        out: pd.DataFrame,
        parsed: pd.Series,
        values: pd.Series,
        clock: pd.Series | None,
        keep: np.ndarray,
    ) -> np.ndarray:
        """Rows without a received time: missing (blank or a missing token) or unreadable."""
        shown = values if clock is None else (values, clock)
        failed = np.flatnonzero(keep & parsed.isna().to_numpy())
        missing = np.zeros(len(out), dtype=bool)
        if len(failed):
            looked = values.iloc[failed]
            missing[failed] = (
                looked.isna() | looked.astype("str").str.strip().isin(MISSING_TOKENS)
            ).to_numpy()
        unreadable = keep & parsed.isna().to_numpy() & ~missing
        self.rejected.add("received time unreadable", out, unreadable, shown)
        self.rejected.add("received time missing", out, keep & missing)
        return keep & parsed.notna().to_numpy()

    def _clock_times_after_midnight(self, out: pd.DataFrame) -> None:
        """A time of day on the received date that is earlier than the call was received
        happened after midnight."""
        shared_date = self.fields.get("received_date")
        for name in self.clocks:
            if name in out and "received_at" in out and self.fields.get(name) == shared_date:
                earlier = out[name] < out["received_at"]
                out[name] = out[name].where(~earlier, out[name] + pd.Timedelta(days=1))

    @staticmethod
    def _add_numbers(out: pd.DataFrame, numbers: dict[str, Future]) -> None:
        """Coordinates as parsed; a negative number of units is not known."""
        for coordinate in ("latitude", "longitude"):
            if coordinate in numbers:
                out[coordinate] = numbers[coordinate].result()
        if "units" in numbers:
            units = numbers["units"].result()
            out["units"] = units.where(units >= 0)

    def _read_flags(self, raw: pd.DataFrame, out: pd.DataFrame) -> None:
        """The behavioural flag columns (1/Y/YES/TRUE/X) as booleans."""
        for flag, header in self.flags.items():
            if header in raw:
                codes, labels = encode(raw[header])
                truth = [str(v).strip().upper() in TRUE_VALUES for v in labels]
                out[f"flag_{flag}"] = np.append(np.array(truth, dtype=bool), False)[codes]

    def finish(self, frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, dict]:
        """All chunks at once (small files and tests); the import streams with `complete`."""
        unify_categories(frames)
        df = pd.concat(frames, ignore_index=True) if frames else self.empty_frame()
        df, duplicates = self.merge_duplicates(df)
        df = self.complete(df)
        return df, self.report(duplicates)

    @staticmethod
    def empty_frame() -> pd.DataFrame:
        return pd.DataFrame(
            {
                "line": pd.Series(dtype="int64"),
                "call_type": pd.Series(dtype="str"),
                "received_at": pd.Series(dtype="datetime64[s, UTC]"),
                "cancelled": pd.Series(dtype="bool"),
            }
        )

    def complete(self, df: pd.DataFrame, *, units: bool = False) -> pd.DataFrame:
        """The per-row rules that follow the merge of duplicate incidents (order of times,
        durations, coordinates, markers, local time), on one block of rows; the quality report
        is accumulated so that blocks can come one after another. `units` adds the units column
        (one unit per record) when the file has none, so that every block has the same columns
        when some incidents were merged."""
        df = df.reset_index(drop=True)
        for name in TIMESTAMP_FIELDS:
            if name not in df:
                df[name] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[s, UTC]")
        if units and "units" not in df:
            df["units"] = 1.0
        order_and_durations(df, self.flagged, dispatch_mapped="dispatched_at" in self.fields)
        clear_placeholder_coordinates(df, self.flagged)
        add_markers(df)
        add_initiated(df)
        self.minutes += add_local_time(df, self.tz)
        self.flagged.add("cancelled (kept, flagged)", df, df["cancelled"], df["call_type"])
        if "unfounded" in df:
            shown = df["disposition"] if "disposition" in df else df["call_type"]
            self.flagged.add("unfounded (kept, flagged)", df, df["unfounded"], shown)
        for column in CATEGORY_COLUMNS:
            if column in df:
                df[column] = df[column].astype("category")
        self._tally(df)
        return df

    def merge_duplicates(self, df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
        """Several records of one incident as one (see duplicates.merge_duplicates)."""
        return merge_duplicates(df)

    def _tally(self, df: pd.DataFrame) -> None:
        """Add one block's share of the report (kept rows, missing times, date range…)."""
        self.rows_kept += len(df)
        for name in TIMESTAMP_FIELDS:
            self.missing_times[name] += int(df[name].isna().sum())
        if len(df):
            low, high = df["received_at"].min(), df["received_at"].max()
            self.received_range[0] = (
                low if self.received_range[0] is None else min(low, self.received_range[0])
            )
            self.received_range[1] = (
                high if self.received_range[1] is None else max(high, self.received_range[1])
            )
        for key, value in value_counts(df["initiated"]):
            self.initiated[str(key)] += value
        for marker in self.markers:
            self.markers[marker] += int(df[marker].sum())

    def report(self, duplicates: dict | None = None) -> dict:
        timestamps = {}
        for name in TIMESTAMP_FIELDS:
            if name in self.fields or (name == "received_at" and "received_date" in self.fields):
                stats = self.time_stats[name].as_dict()
                stats["missing"] = self.missing_times[name]
                timestamps[name] = stats
        first, last = self.received_range
        initiated = sorted(self.initiated.items(), key=lambda kv: (-kv[1], kv[0]))
        duplicates = duplicates or no_duplicates()
        return {
            "accounting": accounting(
                rows_read=self.rows_read,
                kept=self.rows_kept,
                rejected=int(sum(self.rejected.counts.values())),
                dropped=int(sum(self.dropped.counts.values())),
                empty=self.empty_rows,
                merged=duplicates["records_merged"],
            ),
            "duplicates": duplicates,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "empty_rows": self.empty_rows,
            "rejected": self.rejected.as_dict(),
            "rows_rejected": int(sum(self.rejected.counts.values())),
            "dropped": self.dropped.as_dict(),
            "rows_dropped": int(sum(self.dropped.counts.values())),
            "flagged": self.flagged.as_dict(),
            "unknown": self.unknown.as_dict(),
            "timestamps": timestamps,
            "time_zone": self.tz,
            "date_range": [
                first.tz_convert(self.tz).isoformat() if first is not None else None,
                last.tz_convert(self.tz).isoformat() if last is not None else None,
            ],
            "initiated": {k: v for k, v in initiated if v},
            "markers": dict(self.markers),
            "warnings": clock_warnings(self.minutes),
            "code_tables": code_table_report(
                self.code_tables, self.undescribed, self.described_rows
            ),
        }
