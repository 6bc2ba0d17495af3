"""Column kernels of the normaliser: text cleaned once per distinct value or in Arrow's
kernels, numbers parsed, values counted by their codes. Plain functions over Series."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from calldata.engine.fields import MISSING_TOKENS

_PARSE_POOLS: dict[int, ThreadPoolExecutor] = {}


def parse_pool() -> ThreadPoolExecutor:
    """Threads for parsing timestamp and number columns side by side, made in the process that
    uses them (a forked worker does not inherit its parent's threads)."""
    pid = os.getpid()
    if pid not in _PARSE_POOLS:
        _PARSE_POOLS.clear()
        _PARSE_POOLS[pid] = ThreadPoolExecutor(max_workers=2, thread_name_prefix="parse")
    return _PARSE_POOLS[pid]


_NULL_TEXT = pa.scalar(None, pa.string())
_MISSING = pa.array(MISSING_TOKENS, pa.string())
_ARROW_STRINGS = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}


def encode(values: pd.Series) -> tuple[np.ndarray, list]:
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


def recode(codes: np.ndarray, labels: list, clean: Callable[[object], str | None]) -> pd.Series:
    """A categorical whose categories are `clean(label)`; labels that clean to the same text
    are merged and labels that clean to None become missing."""
    cleaned = [clean(label) for label in labels]
    categories = sorted({c for c in cleaned if c is not None})
    position = {c: i for i, c in enumerate(categories)}
    table = np.array([position[c] if c is not None else -1 for c in cleaned] + [-1], dtype="int64")
    return pd.Series(pd.Categorical.from_codes(table[codes], categories=categories))


def strip_missing(label: object) -> str | None:
    text = str(label).strip()
    return None if text in MISSING_TOKENS else text


def call_type_label(label: object) -> str | None:
    text = strip_missing(label)
    return " ".join(text.upper().split()) if text else None


def described(
    clean: Callable[[object], str | None], describe: Callable[[str | None], str | None] | None
) -> Callable[[object], str | None]:
    """`clean`, then the code table's description beside the code (when there is a table)."""
    if describe is None:
        return clean
    return lambda label: describe(clean(label))


def clean_by_value(
    values: pd.Series, clean: Callable[[object], str | None] = strip_missing
) -> pd.Series:
    """Strip and blank missing tokens once per distinct value (codes, beats, priorities)."""
    codes, labels = encode(values)
    result = recode(codes, labels, clean)
    result.index = values.index
    return result


def clean_arrow_ids(array: pa.Array) -> pa.Array:
    array = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.fill_null(pc.is_in(array, value_set=_MISSING), False), _NULL_TEXT, array)


def arrow_text(values: pd.Series) -> pa.Array:
    array = pa.array(values.array, type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def clean_arrow(values: pd.Series) -> pd.Series:
    """The same for many-valued text (incident ids, addresses, remarks), in Arrow kernels."""
    array = clean_arrow_ids(arrow_text(values))
    cleaned = array.to_pandas(types_mapper=_ARROW_STRINGS.get)
    return pd.Series(cleaned.array, index=values.index)  # by position, whatever the index


NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def to_float(values: pd.Series) -> pd.Series:
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


def value_counts(values: pd.Series) -> list[tuple[object, int]]:
    """(value, rows) of each value present, missing values as None; by the codes of a
    categorical (a count per code) rather than a hash of every row."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        counts = values.value_counts(dropna=False)
        return [(None if pd.isna(k) else k, int(v)) for k, v in counts.items()]
    codes = values.cat.codes.to_numpy()
    counts = np.bincount(codes + 1, minlength=len(values.cat.categories) + 1)
    pairs: list[tuple[object, int]] = [(None, int(counts[0]))] if counts[0] else []
    categories = values.cat.categories
    pairs += [(categories[i - 1], int(counts[i])) for i in np.flatnonzero(counts[1:]) + 1]
    return pairs


def epoch_seconds(times: pd.Series) -> np.ndarray:
    """UTC instants as float seconds since 1970, NaN where missing."""
    values = times.to_numpy(dtype="datetime64[s]")
    seconds = values.astype("int64").astype("float64")
    seconds[np.isnat(values)] = np.nan
    return seconds


def unify_categories(frames: list[pd.DataFrame]) -> None:
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


def joined_address(raw: pd.DataFrame, address_parts: dict[str, str]) -> pd.Series:
    """ "1200 N MAIN ST & OAK ST" from the columns of a split address (blank parts left
    out; the cross street after "&")."""

    def part(name: str) -> pa.Array | None:
        header = address_parts.get(name)
        if header is None or header not in raw:
            return None
        return clean_arrow_ids(arrow_text(raw[header]))

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


def add_priority_level(out: pd.DataFrame) -> None:
    """Priority level: the first number in the text ("Priority 2", "P1", "2 - Urgent")."""
    if "priority" not in out:
        return
    priority = out["priority"].astype("category")
    levels = pd.to_numeric(
        priority.cat.categories.str.extract(r"(\d+)", expand=False), errors="coerce"
    )
    table = np.append(np.asarray(levels, dtype="float64"), np.nan)
    out["priority_level"] = pd.array(table[priority.cat.codes.to_numpy()], dtype="Float64").astype(
        "Int16"
    )
