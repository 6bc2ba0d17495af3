"""The compact scenario table: every call in a few bytes, for scenarios in well under a second.

A scenario filters on call type (and so category), behavioural flags, markers, priority, hour,
beat, who initiated the call and whether it was cancelled, and sums unit-hours by unit type.
Those columns, one row per call, dictionary-coded into small integers (call type, beat, unit
type, initiated) or kept as bools and float32, fit in about 20 bytes a call (60 MB for three
million calls). The import writes them as one uncompressed Arrow IPC file,
`_scenario.arrow`, beside the Parquet partitions (the leading underscore keeps it out of the
Parquet dataset); a scenario memory-maps it (no parsing, no copy), so even the first scenario
after a restart costs a few milliseconds of reading.

Why one row per call rather than one row per distinct combination: with beats and the hour
of the week among the criteria, a city's distinct combinations number nearly as many as its
calls, and the median time on scene (the staffing model's minutes per call) does not merge
across groups. Free-text criteria (keywords in the remarks) read only the remarks column from
Parquet; the rows of this table are in the order of the Parquet dataset (month partitions in
order, rows within a month in the order they were written) so the two line up.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

FILENAME = "_scenario.arrow"
CODED = ("call_type", "beat", "unit_type", "initiated")
BOOLS = ("weapon", "violence", "injury", "cancelled")
FLOATS = ("priority_level", "unit_hours", "time_on_task_min")


class ScenarioTable:
    """Columns as numpy arrays; coded columns index into `dictionaries` (-1 = blank)."""

    def __init__(
        self, columns: dict[str, np.ndarray], dictionaries: dict[str, list[str]], days: int
    ):
        self.columns = columns
        self.dictionaries = dictionaries
        self.days = days

    def __len__(self) -> int:
        return len(self.columns["how"])

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    @property
    def flags(self) -> list[str]:
        return [c[5:] for c in self.columns if c.startswith("flag_")]

    def write(self, path: Path) -> None:
        # Booleans as bytes, not Arrow's bits, so that reading them back copies nothing.
        arrays = {
            name: pa.array(values.view("uint8") if values.dtype == bool else values)
            for name, values in self.columns.items()
        }
        booleans = [name for name, values in self.columns.items() if values.dtype == bool]
        metadata = {"dictionaries": self.dictionaries, "days": self.days, "booleans": booleans}
        table = pa.table(arrays).replace_schema_metadata(
            {"cohort": json.dumps(metadata, ensure_ascii=False)}
        )
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)

    @classmethod
    def read(cls, path: Path | pa.NativeFile) -> ScenarioTable:
        """From a local path (memory-mapped) or an open pyarrow file (an object store's)."""
        source = path if isinstance(path, pa.NativeFile) else pa.memory_map(str(path), "r")
        table = pa.ipc.open_file(source).read_all()
        metadata = json.loads(table.schema.metadata[b"cohort"])
        columns = {}
        for name in table.column_names:
            column = table.column(name)
            array = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
            columns[name] = array.to_numpy(zero_copy_only=False)
        for name in metadata["booleans"]:
            columns[name] = columns[name].view(bool)
        return cls(columns, metadata["dictionaries"], int(metadata["days"]))


class ScenarioTableBuilder:
    """Collects the scenario columns block by block (tests, and tables built in memory; the
    import builds them on disk: scenario_file.ScenarioTableWriter)."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {}
        self.codes: dict[str, dict[str, int]] = {name: {} for name in CODED}
        self.months: dict[str, int] = {}
        self.first_day: np.datetime64 | None = None
        self.last_day: np.datetime64 | None = None

    def _coded(self, values: pd.Series | None, n: int, known: dict) -> np.ndarray:
        if values is None:
            return np.full(n, -1, dtype="int32")
        values = values.astype("category")
        lookup = [known.setdefault(str(label), len(known)) for label in values.cat.categories]
        table = np.array([*lookup, -1], dtype="int32")
        return table[values.cat.codes.to_numpy()]

    def block(self, df: pd.DataFrame) -> dict[str, np.ndarray]:
        """One block's columns in the table's order; coded columns (and `_month`) as codes in
        the order their values were met (`finish` sorts the dictionaries)."""
        n = len(df)
        columns = {name: self._coded(df.get(name), n, self.codes[name]) for name in CODED}
        columns["_month"] = self._coded(df["year_month"], n, self.months)
        columns["how"] = df["how"].to_numpy(dtype="int16")
        for name in BOOLS:
            columns[name] = df[name].to_numpy(dtype=bool) if name in df else np.zeros(n, bool)
        for name in FLOATS:
            columns[name] = (
                df[name].astype("float64").to_numpy(dtype="float32", na_value=np.nan)
                if name in df
                else np.full(n, np.nan, dtype="float32")
            )
        for column in df.columns:
            if column.startswith("flag_"):
                columns[column] = df[column].to_numpy(dtype=bool)
        days = df["local_date"].to_numpy("datetime64[D]")
        low, high = days.min(), days.max()
        self.first_day = low if self.first_day is None else min(low, self.first_day)
        self.last_day = high if self.last_day is None else max(high, self.last_day)
        return columns

    def add(self, df: pd.DataFrame) -> None:
        if len(df) == 0:
            return
        for name, values in self.block(df).items():
            self.parts.setdefault(name, []).append(values)

    def month_order(self) -> list[int]:
        """The months' codes in the order the Parquet dataset reads them (by label)."""
        return [self.months[label] for label in sorted(self.months)]

    def dictionaries(self) -> tuple[dict[str, list[str]], dict[str, np.ndarray]]:
        """Each coded column's sorted dictionary, and the lookup from the codes `block` gave
        to positions in it (its last entry, -1, for the blank code -1)."""
        dictionaries, lookups = {}, {}
        for name in CODED:
            labels = sorted(self.codes[name], key=self.codes[name].__getitem__)
            ordered = sorted(labels)
            position = {label: i for i, label in enumerate(ordered)}
            width = "int16" if len(ordered) < 2**15 else "int32"
            lookups[name] = np.array([position[label] for label in labels] + [-1], dtype=width)
            dictionaries[name] = ordered
        return dictionaries, lookups

    def days(self) -> int:
        if self.first_day is None or self.last_day is None:
            return 1
        return max(int((self.last_day - self.first_day) // np.timedelta64(1, "D")) + 1, 1)

    def finish(self) -> ScenarioTable:
        if not self.parts or self.first_day is None or self.last_day is None:
            return empty_table()
        columns = {name: np.concatenate(parts) for name, parts in self.parts.items()}
        self.parts = {}
        # Rows in the order the Parquet dataset reads them: month by month, stable within one.
        rank = np.argsort(self.month_order()).astype("int32")
        order = np.argsort(rank[columns.pop("_month")], kind="stable")
        dictionaries, lookups = self.dictionaries()
        for name in CODED:
            columns[name] = lookups[name][columns[name]]
        columns = {name: values[order] for name, values in columns.items()}
        return ScenarioTable(columns, dictionaries, self.days())


def empty_table() -> ScenarioTable:
    empty = {name: np.zeros(0, dtype="int16") for name in (*CODED, "how")}
    empty |= {name: np.zeros(0, dtype=bool) for name in BOOLS}
    empty |= {name: np.zeros(0, dtype="float32") for name in FLOATS}
    return ScenarioTable(empty, {name: [] for name in CODED}, 1)


def table_from_frame(df: pd.DataFrame) -> ScenarioTable:
    """The table of calls already in memory (tests, and datasets imported before the table)."""
    builder = ScenarioTableBuilder()
    if "year_month" not in df:
        df = df.assign(year_month="all")
    if "how" not in df and "hour" in df:
        df = df.assign(how=df["hour"])
    builder.add(df)
    table = builder.finish()
    if "hour" in df and len(df):
        table.columns["hour"] = df["hour"].to_numpy(dtype="int8")
    return table


def priority_profile(table: ScenarioTable, top: int = 3) -> list[dict]:
    """Per priority level: calls, its most frequent call types, and the share carrying a weapon
    or violence marker. A hint for telling which end of a centre's scale is the most urgent."""
    if "priority_level" not in table or not len(table):
        return []
    levels = table["priority_level"].astype("float64")
    types = table["call_type"].astype("int64")
    names = table.dictionaries.get("call_type", [])
    danger = np.zeros(len(table), dtype=bool)
    for marker in ("weapon", "violence"):
        if marker in table:
            danger |= table[marker].astype(bool)
    profile = []
    for level in np.unique(levels[~np.isnan(levels)]):
        mask = levels == level
        counts = np.bincount(types[mask & (types >= 0)], minlength=len(names))
        order = np.argsort(-counts, kind="stable")[:top]
        profile.append(
            {
                "level": int(level),
                "calls": int(mask.sum()),
                "call_types": [names[i] for i in order if counts[i]],
                "danger_share": float(danger[mask].mean()),
            }
        )
    return profile
