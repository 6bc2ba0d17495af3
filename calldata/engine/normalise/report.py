"""Parts of the normaliser's report worked out from its tallies: warnings about the received
time's clock, and how well the code tables described the file."""

from __future__ import annotations

import numpy as np

from calldata.engine.codes import KINDS
from calldata.engine.normalise.issues import EXAMPLES


def clock_warnings(minutes: np.ndarray) -> list[dict]:
    """Received times all at midnight, or all on one minute of the day: the column read as the
    received time is a date, or not the time the call came in. `minutes`: the calls received at
    each local minute of the day."""
    calls = int(minutes.sum())
    if calls < 2:
        return []
    busiest = int(minutes.argmax())
    share = minutes[busiest] / calls
    if share < 0.95:
        return []
    at = f"{busiest // 60:02d}:{busiest % 60:02d}"
    what = "at midnight" if busiest == 0 else f"at {at}"
    every = "Every call" if share == 1 else f"{share:.0%} of the calls"
    return [
        {
            "kind": "midnight" if busiest == 0 else "one_minute",
            "message": f"{every} ({minutes[busiest]} of {calls}) were received {what}: "
            "the received time has no time of day, so the hour-of-week chart and the team's "
            "hours cannot be trusted. Map a column with the time of day if the export has one.",
        }
    ]


def code_table_report(
    code_tables: dict[str, dict[str, str]],
    undescribed: dict[str, dict[str, int]],
    described_rows: dict[str, int],
) -> dict:
    """For each code table used: its codes, the rows it described, and the codes of the
    file it does not list (most frequent first)."""
    report = {}
    for kind, entries in code_tables.items():
        missing = sorted(undescribed[kind].items(), key=lambda kv: (-kv[1], kv[0]))
        report[kind] = {
            "label": KINDS.get(kind, kind),
            "codes": len(entries),
            "rows_described": described_rows[kind],
            "rows_not_described": sum(rows for _, rows in missing),
            "codes_not_described": len(missing),
            "not_described": [{"code": c, "rows": r} for c, r in missing[: EXAMPLES * 2]],
        }
    return report
