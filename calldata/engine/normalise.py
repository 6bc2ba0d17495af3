"""From raw text chunks to normalised call records, with the data-quality rules a CAD analyst
expects. `Normaliser.chunk` handles one block of rows (parse, drop, flag); `Normaliser.finish`
handles what needs the whole file (several records of one incident, durations, local time).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from calldata.engine.code_lists import ReadingRules
from calldata.engine.codes import KINDS, SEPARATOR, describer, split_label
from calldata.engine.fields import ADDRESS_PARTS, CLOCK_FIELDS, MISSING_TOKENS, TIMESTAMP_FIELDS
from calldata.engine.taxonomy import CANCELLED, NOT_A_CALL, initiated_by, markers_for
from calldata.engine.timestamps import ParseStats, parse_timestamps

EXAMPLES = 5
_NOT_A_CALL = re.compile(NOT_A_CALL)
_CANCELLED = re.compile(CANCELLED)
# Fields whose placeholder values (-1, 0, UNK…) mean "not known".
SENTINEL_FIELDS = ("beat", "unit_type")
_PARSE_POOLS: dict[int, ThreadPoolExecutor] = {}


def _parse_pool() -> ThreadPoolExecutor:
    """Threads for parsing timestamp and number columns side by side, made in the process that
    uses them (a forked worker does not inherit its parent's threads)."""
    pid = os.getpid()
    if pid not in _PARSE_POOLS:
        _PARSE_POOLS.clear()
        _PARSE_POOLS[pid] = ThreadPoolExecutor(max_workers=2, thread_name_prefix="parse")
    return _PARSE_POOLS[pid]


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
        kept = self.examples[reason]
        positions = np.flatnonzero(mask)[:EXAMPLES]
        lines = frame["line"].to_numpy()
        if len(kept) >= EXAMPLES and lines[positions[0]] > kept[-1]["line"]:
            return
        # The import sees rows chunk by chunk (merged incidents last): the examples shown are
        # the first lines of the file whatever the order they were met in.
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
        kept.sort(key=lambda example: example["line"])
        del kept[EXAMPLES:]

    def as_dict(self) -> dict:
        return {
            reason: {"count": count, "examples": self.examples.get(reason, [])}
            for reason, count in self.counts.items()
        }


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
_NULL_TEXT = pa.scalar(None, pa.string())
_MISSING = pa.array(MISSING_TOKENS, pa.string())
_ARROW_STRINGS = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}


def _encode(values: pd.Series) -> tuple[np.ndarray, list]:
    """(codes with -1 for missing, distinct values) from Arrow's hash kernel."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype("int64"), list(values.cat.categories)
    array = pa.array(values.array, type=pa.string(), from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = pc.dictionary_encode(array)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    codes = np.where(np.isnan(codes), -1, codes) if codes.dtype.kind == "f" else codes
    return codes.astype("int64"), encoded.dictionary.to_pylist()


def _recode(codes: np.ndarray, labels: list, clean: object) -> pd.Series:
    """A categorical whose categories are `clean(label)`; labels that clean to the same text
    are merged and labels that clean to None become missing."""
    cleaned = [clean(label) for label in labels]
    categories = sorted({c for c in cleaned if c is not None})
    position = {c: i for i, c in enumerate(categories)}
    table = np.array([position[c] if c is not None else -1 for c in cleaned] + [-1], dtype="int64")
    return pd.Series(pd.Categorical.from_codes(table[codes], categories=categories))


def _strip_missing(label: object) -> str | None:
    text = str(label).strip()
    return None if text in MISSING_TOKENS else text


def _call_type_label(label: object) -> str | None:
    text = _strip_missing(label)
    return " ".join(text.upper().split()) if text else None


def _described(clean: Callable[[object], str | None], describe: object) -> Callable:
    """`clean`, then the code table's description beside the code (when there is a table)."""
    if describe is None:
        return clean
    return lambda label: describe(clean(label))


def _clean_by_value(values: pd.Series, clean: object = _strip_missing) -> pd.Series:
    """Strip and blank missing tokens once per distinct value (codes, beats, priorities)."""
    codes, labels = _encode(values)
    result = _recode(codes, labels, clean)
    result.index = values.index
    return result


def _clean_arrow_ids(array: pa.Array) -> pa.Array:
    array = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.fill_null(pc.is_in(array, value_set=_MISSING), False), _NULL_TEXT, array)


def _arrow_text(values: pd.Series) -> pa.Array:
    array = pa.array(values.array, type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _clean_arrow(values: pd.Series) -> pd.Series:
    """The same for many-valued text (incident ids, addresses, remarks), in Arrow kernels."""
    array = _clean_arrow_ids(_arrow_text(values))
    cleaned = array.to_pandas(types_mapper=_ARROW_STRINGS.get)
    return pd.Series(cleaned.array, index=values.index)  # by position, whatever the index


def _matches(values: pd.Series, patterns: dict[str, str]) -> dict[str, np.ndarray]:
    """Case-insensitive regex tests on the distinct values only, spread back to every row
    (the answers as bits of one small integer per distinct value, so one lookup a row)."""
    codes, labels = _encode(values)
    texts = pd.Series([str(label) for label in labels], dtype="object")
    bits = np.zeros(len(labels) + 1, dtype="uint8")  # the last entry: missing values
    for bit, pattern in enumerate(patterns.values()):
        hits = texts.str.contains(pattern, regex=True, case=False, na=False).to_numpy(bool)
        bits[:-1] |= hits.astype("uint8") << bit
    per_row = bits[codes]
    return {name: (per_row & (1 << bit)) != 0 for bit, name in enumerate(patterns)}


NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _to_float(values: pd.Series) -> pd.Series:
    """Text to float in Arrow's kernels; anything that is not a number becomes NaN."""
    array = pa.array(values.array, type=pa.string(), from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    blank = pc.fill_null(pc.equal(array, ""), True)
    array = pc.if_else(blank, _NULL_TEXT, array)
    try:
        numbers = pc.cast(array, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # Some cells are not numbers ("NA", "unknown", " 44.5 "): the careful way.
        array = pc.utf8_trim_whitespace(array)
        valid = pc.fill_null(pc.match_substring_regex(array, NUMBER), False)
        numbers = pc.cast(pc.if_else(valid, array, _NULL_TEXT), pa.float64())
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=values.index, dtype="float64")


def _value_counts(values: pd.Series) -> list[tuple[object, int]]:
    """(value, rows) of each value present, missing values as None; by the codes of a
    categorical (a count per code) rather than a hash of every row."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        counts = values.value_counts(dropna=False)
        return [(None if pd.isna(k) else k, int(v)) for k, v in counts.items()]
    codes = values.cat.codes.to_numpy()
    counts = np.bincount(codes + 1, minlength=len(values.cat.categories) + 1)
    pairs = [(None, int(counts[0]))] if counts[0] else []
    categories = values.cat.categories
    pairs += [(categories[i - 1], int(counts[i])) for i in np.flatnonzero(counts[1:]) + 1]
    return pairs


def _epoch_seconds(times: pd.Series) -> np.ndarray:
    """UTC instants as float seconds since 1970, NaN where missing."""
    values = times.to_numpy(dtype="datetime64[s]")
    seconds = values.astype("int64").astype("float64")
    seconds[np.isnat(values)] = np.nan
    return seconds


def _unify_categories(frames: list[pd.DataFrame]) -> None:
    """Give each categorical column the same categories in every chunk, so that concatenating
    keeps it categorical (different categories would turn it into slow Python objects)."""
    if len(frames) < 2:
        return
    for column in frames[0].columns:
        if not isinstance(frames[0][column].dtype, pd.CategoricalDtype):
            continue
        categories = sorted(set().union(*(f[column].cat.categories for f in frames)))
        for frame in frames:
            frame[column] = frame[column].cat.set_categories(categories)


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
            clean = self._known if name in SENTINEL_FIELDS else _strip_missing
            clean = _described(clean, self.describers.get(name))
            return self._count_described(name, _clean_by_value(raw[header], clean))
        return _clean_arrow(raw[header])

    def _address(self, raw: pd.DataFrame) -> pd.Series:
        """ "1200 N MAIN ST & OAK ST" from the columns of a split address (blank parts left
        out; the cross street after "&")."""

        def part(name: str) -> pa.Array | None:
            header = self.address_parts.get(name)
            if header is None or header not in raw:
                return None
            return _clean_arrow_ids(_arrow_text(raw[header]))

        street = [a for a in map(part, ("number", "direction", "road", "suffix")) if a is not None]
        joined = pc.binary_join_element_wise(*street, " ", null_handling="skip") if street else None
        cross = part("cross")
        if cross is not None:
            joined = (
                cross
                if joined is None
                else pc.binary_join_element_wise(joined, cross, " & ", null_handling="skip")
            )
        if joined is None:
            return pd.Series(pd.NA, index=raw.index, dtype="string")
        joined = pc.if_else(pc.equal(joined, ""), _NULL_TEXT, joined)
        return pd.Series(joined.to_pandas(types_mapper=_ARROW_STRINGS.get).array, index=raw.index)

    def _known(self, label: object) -> str | None:
        """A beat, area or unit type; the jurisdiction's placeholders (-1, 0, UNK) are unknown."""
        text = _strip_missing(label)
        return None if text is None or self.rules.is_unknown(text) else text

    def _kinds(self, values: pd.Series, *, first_word: bool) -> tuple[np.ndarray, list, np.ndarray]:
        """(kind per distinct value + a last entry for missing: 0 a call, 1 not a call,
        2 cancelled, 3 unfounded; the distinct values; each row's code, -1 when missing)."""
        codes, labels = _encode(values)
        order = {"not_a_call": 1, "cancelled": 2, "unfounded": 3}
        kind = np.zeros(len(labels) + 1, dtype="int8")
        for index, label in enumerate(labels):
            kind[index] = order.get(self._kind_of(label, first_word=first_word) or "", 0)
        return kind, labels, np.where(codes < 0, len(labels), codes)

    def _kind_of(self, label: object, *, first_word: bool) -> str | None:
        """The kind of one value: its code first, then the description a code table gave it
        ("CAN — Cancelled by caller", "C — Cancelled by caller"). Dispositions follow the
        jurisdiction's codes alone; call types also the words CAD systems put in them ("VOID",
        "TEST CALL", "CANCELLED BY CALLER")."""
        for text in split_label(str(label).upper()):
            if not text:
                continue
            found = self.rules.kind_of(text, first_word=first_word)
            if found is None and not first_word and _NOT_A_CALL.search(text):
                found = "not_a_call"
            elif found is None and not first_word and _CANCELLED.search(text):
                found = "cancelled"
            if found is not None:
                return found
        return None

    def _count_described(self, name: str, values: pd.Series) -> pd.Series:
        kind = DESCRIBED.get(name)
        if name == "call_type_initial" or kind not in self.code_tables:
            return values
        for value, rows in _value_counts(values):
            if value is None:
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
        self._add_priority_level(out)
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
            texts["address"] = self._address(raw)
        for name in TEXT_FIELDS:
            if texts[name] is not None:
                out[name] = texts[name]

    def _count_unknown_placeholders(self, raw: pd.DataFrame, out: pd.DataFrame) -> None:
        """Placeholders read as unknown (beat -1, unit type UNK) are counted (blank is simply
        missing)."""
        for name in SENTINEL_FIELDS:
            header = self.fields.get(name)
            if header in raw:
                codes, labels = _encode(raw[header])
                table = np.array(
                    [_strip_missing(v) is not None and self.rules.is_unknown(v) for v in labels]
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
            _clean_by_value(combined, _described(_call_type_label, self.describers["call_type"])),
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
        kinds = [(*self._kinds(out["call_type"], first_word=False), "call type")]
        disposition = out.get("disposition", None)
        if disposition is not None:
            kinds.append((*self._kinds(disposition, first_word=True), "disposition"))
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
            name: _parse_pool().submit(_to_float, raw[self.fields[name]])
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
                _parse_pool().map(
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
    def _add_priority_level(out: pd.DataFrame) -> None:
        """Priority level: the first number in the text ("Priority 2", "P1", "2 - Urgent")."""
        if "priority" not in out:
            return
        priority = out["priority"].astype("category")
        levels = pd.to_numeric(
            priority.cat.categories.str.extract(r"(\d+)", expand=False), errors="coerce"
        )
        table = np.append(np.asarray(levels, dtype="float64"), np.nan)
        out["priority_level"] = pd.array(
            table[priority.cat.codes.to_numpy()], dtype="Float64"
        ).astype("Int16")

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
                codes, labels = _encode(raw[header])
                truth = [str(v).strip().upper() in TRUE_VALUES for v in labels]
                out[f"flag_{flag}"] = np.append(np.array(truth, dtype=bool), False)[codes]

    def finish(self, frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, dict]:
        """All chunks at once (small files and tests); the import streams with `complete`."""
        _unify_categories(frames)
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
        self._order_and_durations(df)
        self._coordinates(df)
        self._markers_and_source(df)
        self._local_time(df)
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
        return self._merge_duplicates(df)

    def _merge_duplicates(self, df: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
        if "incident_id" not in df or df.empty:
            return df, no_duplicates()
        codes, _ = _encode(df["incident_id"])
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
                {"incident_id": str(k), "lines": [int(x) for x in v][:10]}
                for k, v in examples.items()
            ],
        }
        if "units" not in df:
            df["units"] = np.where(duplicated, np.nan, 1.0)
        df = pd.concat([df.loc[~duplicated], merged[df.columns]], ignore_index=True)
        return df.sort_values("line", ignore_index=True), report

    def _order_and_durations(self, df: pd.DataFrame) -> None:
        """Flags for times out of order and the durations, in float seconds (NaN where a time
        is missing, so comparisons with it are false as pandas' are with NaT)."""
        times = [df[n] for n in TIMESTAMP_FIELDS]
        r, d, e, a, c = (_epoch_seconds(t) for t in times)
        rt, dt, _, at, ct = times
        self.flagged.add("dispatched before received", df, d < r, (rt, dt))
        self.flagged.add("arrived before dispatched", df, a < d, (dt, at))
        self.flagged.add("cleared before arrival", df, c < a, (at, ct))
        if "dispatched_at" in self.fields:
            self.flagged.add("arrival without dispatch", df, ~np.isnan(a) & np.isnan(d), at)
        on_scene = (c - a) / 60
        self.flagged.add(
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
        self.flagged.add(
            "over 24 hours busy (ignored)", df, busy > 24, pd.Series(busy, index=df.index)
        )
        busy = np.where(busy <= 24, busy, np.nan)
        units = df["units"].fillna(1.0).to_numpy("float64") if "units" in df else 1.0
        df["unit_hours"] = (busy * units).astype("float32")

    def _coordinates(self, df: pd.DataFrame) -> None:
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
        self.flagged.add("placeholder coordinates (cleared)", df, placeholder, (lat, lon))
        self.flagged.add("no coordinates", df, np.isnan(la) | np.isnan(lo))
        if placeholder.any():
            df["latitude"] = np.where(placeholder, np.nan, la)
            df["longitude"] = np.where(placeholder, np.nan, lo)

    def _markers_and_source(self, df: pd.DataFrame) -> None:
        types = df["call_type"].astype("category")
        distinct = list(types.cat.categories)
        markers = markers_for(distinct)
        texts = [types]
        if "call_type_initial" in df:
            texts.append(_clean_by_value(df["call_type_initial"], _call_type_label))
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
            labels = ["officer", "public", "unknown"]
            per_code = np.array(
                [labels.index(lookup[c]) for c in source.cat.categories] + [2], dtype="int8"
            )
            df["initiated"] = pd.Categorical.from_codes(
                per_code[source.cat.codes.to_numpy()], categories=labels
            )
        else:
            df["initiated"] = "unknown"

    def _local_time(self, df: pd.DataFrame) -> None:
        """Local calendar fields, by integer arithmetic on local wall-clock seconds."""
        local = df["received_at"].dt.tz_convert(self.tz).dt.tz_localize(None)
        seconds = local.to_numpy("datetime64[s]").astype("int64")
        days = seconds // 86400
        months = local.to_numpy("datetime64[M]").astype("int64")
        unique = np.unique(months)
        labels = [str(np.datetime64(int(m), "M")) for m in unique]
        df["year_month"] = pd.Categorical.from_codes(
            np.searchsorted(unique, months), categories=labels
        )
        of_day = seconds - days * 86400
        valid = df["received_at"].notna().to_numpy()
        self.minutes += np.bincount(of_day[valid] // 60, minlength=1440)
        df["local_date"] = (days * 86400).astype("datetime64[s]")
        df["hour"] = ((seconds // 3600) % 24).astype("int8")
        df["dow"] = ((days + 3) % 7).astype("int8")  # 1970-01-01 was a Thursday; Monday = 0
        df["how"] = (df["dow"].astype("int16") * 24 + df["hour"]).astype("int16")

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
        for key, value in _value_counts(df["initiated"]):
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
            "warnings": self.clock_warnings(),
            "code_tables": self._code_table_report(),
        }

    def clock_warnings(self) -> list[dict]:
        """Received times all at midnight, or all on one minute of the day: the column read
        as the received time is a date, or not the time the call came in."""
        calls = int(self.minutes.sum())
        if calls < 2:
            return []
        busiest = int(self.minutes.argmax())
        share = self.minutes[busiest] / calls
        if share < 0.95:
            return []
        at = f"{busiest // 60:02d}:{busiest % 60:02d}"
        what = "at midnight" if busiest == 0 else f"at {at}"
        every = "Every call" if share == 1 else f"{share:.0%} of the calls"
        return [
            {
                "kind": "midnight" if busiest == 0 else "one_minute",
                "message": f"{every} ({self.minutes[busiest]} of {calls}) were received {what}: "
                "the received time has no time of day, so the hour-of-week chart and the team's "
                "hours cannot be trusted. Map a column with the time of day if the export has one.",
            }
        ]

    def _code_table_report(self) -> dict:
        """For each code table used: its codes, the rows it described, and the codes of the
        file it does not list (most frequent first)."""
        report = {}
        for kind, entries in self.code_tables.items():
            missing = sorted(self.undescribed[kind].items(), key=lambda kv: (-kv[1], kv[0]))
            report[kind] = {
                "label": KINDS.get(kind, kind),
                "codes": len(entries),
                "rows_described": self.described_rows[kind],
                "rows_not_described": sum(rows for _, rows in missing),
                "codes_not_described": len(missing),
                "not_described": [{"code": c, "rows": r} for c, r in missing[: EXAMPLES * 2]],
            }
        return report


def accounting(
    *, rows_read: int, kept: int, rejected: int, dropped: int, empty: int, merged: int
) -> dict:
    """Where every row read went: kept + rejected + dropped + empty + merged = read. `balanced`
    is False only if a rule removed rows without counting them (a bug the page shows)."""
    parts = {
        "kept": kept,
        "rejected": rejected,
        "dropped": dropped,
        "empty": empty,
        "merged": merged,
    }
    return {"rows_read": rows_read, **parts, "balanced": sum(parts.values()) == rows_read}


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
