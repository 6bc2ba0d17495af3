"""Scenario presets modelled on running programs (calldata/data/presets.json)."""

from __future__ import annotations

import json
from functools import lru_cache

from calldata.engine.taxonomy import DATA


@lru_cache(maxsize=1)
def presets() -> dict[str, dict]:
    with (DATA / "presets.json").open(encoding="utf-8") as handle:
        return {p["key"]: p for p in json.load(handle)["presets"]}


def on_scale(criteria: dict, *, most_urgent: int | None, higher_is_urgent: bool) -> dict:
    """A preset's criteria on a jurisdiction's priority scale. Presets are written with 1 as
    the most urgent level ("exclude priority 1" = "exclude the most urgent calls"); a centre
    whose most urgent value is 0, or whose scale runs the other way (5 = most urgent), gets
    the same meaning in its own numbers."""
    result = dict(criteria)
    result["priority_higher_is_urgent"] = higher_is_urgent
    rank = criteria.get("exclude_priority_at_or_above")
    if rank in (None, "") or most_urgent is None:
        return result
    steps = int(rank) - 1
    result["exclude_priority_at_or_above"] = (
        most_urgent - steps if higher_is_urgent else most_urgent + steps
    )
    return result
