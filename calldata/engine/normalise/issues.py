"""What the normaliser found, row by row: counts of each problem with the first examples, and
the accounting of every row read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

EXAMPLES = 5


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
