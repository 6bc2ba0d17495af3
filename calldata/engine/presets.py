"""Scenario presets modelled on running programs (calldata/data/presets.json)."""

from __future__ import annotations

import json
from functools import lru_cache

from calldata.engine.taxonomy import DATA


@lru_cache(maxsize=1)
def presets() -> dict[str, dict]:
    with (DATA / "presets.json").open(encoding="utf-8") as handle:
        return {p["key"]: p for p in json.load(handle)["presets"]}
