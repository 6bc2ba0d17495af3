"""Proposing a mapping from a file's headers to the canonical fields."""

from __future__ import annotations

import re

from calldata.engine.fields import FIELDS, FLAG_SYNONYMS, header_key

# When a file has one combined timestamp, the separate date/time fields stay unmapped.
_SEPARATE = ("received_date", "received_clock")


TIME_ONLY = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2})?(\s*[AP]M)?\s*$", re.IGNORECASE)


def propose_mapping(headers: list[str], rows: list[list[str]] | None = None) -> dict:
    """{"fields": {canonical: header}, "flags": {flag name: header}} from header names alone.

    Exact synonym matches first (in each field's synonym order), then multi-word synonyms
    contained in a longer header ("first_unit_dispatch_time" -> dispatched_at).
    """
    keys = {h: header_key(h) for h in headers}
    used: set[str] = set()
    fields: dict[str, str] = {}
    for exact in (True, False):
        for field, (_, synonyms) in FIELDS.items():
            if field in fields:
                continue
            for synonym in synonyms:
                if not exact and "_" not in synonym:
                    continue
                match = next(
                    (
                        h
                        for h in headers
                        if h not in used
                        and (keys[h] == synonym if exact else f"_{synonym}_" in f"_{keys[h]}_")
                    ),
                    None,
                )
                if match is not None:
                    fields[field] = match
                    used.add(match)
                    break
    if rows and "received_at" in fields and "received_date" in fields:
        # "Call Date" + "Call Time": the time column holds only times of day.
        index = headers.index(fields["received_at"])
        values = [r[index] for r in rows if index < len(r) and str(r[index]).strip()]
        if values and all(TIME_ONLY.match(str(v)) for v in values):
            fields["received_clock"] = fields.pop("received_at")
    if "received_at" in fields:
        for field in _SEPARATE:
            used.discard(fields.pop(field, ""))
    elif not ("received_date" in fields and "received_clock" in fields) and (
        "received_date" in fields
    ):
        # A lone date column is the best timestamp there is.
        fields["received_at"] = fields.pop("received_date")
        used.discard(fields.pop("received_clock", ""))
    flags: dict[str, str] = {}
    for flag, synonyms in FLAG_SYNONYMS.items():
        for h in headers:
            if h not in used and keys[h] in synonyms:
                flags[flag] = h
                used.add(h)
                break
    return {"fields": fields, "flags": flags}


def mapping_problems(mapping: dict, headers: list[str]) -> list[str]:
    """What makes a mapping unusable for this file, in words; empty when it is fine."""
    problems = []
    fields = mapping.get("fields", {})
    missing = [
        h
        for h in list(fields.values()) + list(mapping.get("flags", {}).values())
        if h not in headers
    ]
    if missing:
        problems.append("These columns are not in the file: " + ", ".join(sorted(set(missing))))
    if not (
        fields.get("call_type") or fields.get("call_type_final") or fields.get("call_type_initial")
    ):
        problems.append("Choose the column that holds the call type (nature code).")
    if not (fields.get("received_at") or fields.get("received_date")):
        problems.append("Choose the column that holds when the call was received.")
    return problems


def mapping_is_recognisable(mapping: dict) -> bool:
    return not mapping_problems(mapping, list(mapping["fields"].values()))
