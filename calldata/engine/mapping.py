"""Proposing a mapping from a file's headers to the canonical fields."""

from __future__ import annotations

import re

from calldata.engine.fields import ADDRESS_PARTS, CLOCK_FIELDS, FIELDS, FLAG_SYNONYMS, header_key

# When a file has one combined timestamp, the separate date/time fields stay unmapped.
_SEPARATE = ("received_date", "received_clock")


TIME_ONLY = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2})?(\.\d+)?(\s*[AP]M)?\s*$", re.IGNORECASE)
DATE = r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
DATE_ONLY = re.compile(rf"^\s*{DATE}\s*$")
AT_MIDNIGHT = re.compile(
    rf"^\s*{DATE}[ T]+(0?0:00(:00(\.0+)?)?|12:00(:00)?\s*AM)(Z|[+-]\d{{2}}:?\d{{2}})?\s*$",
    re.IGNORECASE,
)
WITH_TIME = re.compile(rf"^\s*{DATE}[ T]+\d{{1,2}}:\d{{2}}")
COMPACT = re.compile(r"^\s*\d{8}(\d{6})([A-Z]{2})?\s*$")


# The first letter of a compact stamp's zone suffix ("PD" = Pacific Daylight).
SUFFIX_ZONES = {
    "E": "America/New_York",
    "C": "America/Chicago",
    "M": "America/Denver",
    "P": "America/Los_Angeles",
    "A": "America/Anchorage",
    "H": "Pacific/Honolulu",
}


def zone_of_stamps(values: list[str]) -> str | None:
    """The zone compact stamps name by their suffix (`20240301084531PS`: Pacific), when they
    all name the same one."""
    letters = {m.group(2)[0] for v in values if (m := COMPACT.match(str(v))) and m.group(2)}
    return SUFFIX_ZONES.get(letters.pop()) if len(letters) == 1 else None


def column_kind(values: list[str]) -> str | None:
    """What a column's sample holds: "datetime" (a date and a time of day, not all at
    midnight), "date" (dates only, or every time at midnight), "clock" (times of day only),
    or None (something else, or nothing)."""
    values = [str(v).strip() for v in values if str(v).strip()]
    if not values:
        return None
    if all(TIME_ONLY.match(v) for v in values):
        return "clock"
    if all(DATE_ONLY.match(v) or AT_MIDNIGHT.match(v) for v in values):
        return "date"
    compact = [COMPACT.match(v) for v in values]
    if all(compact):
        return "date" if all(m.group(1) == "000000" for m in compact if m) else "datetime"
    if all(WITH_TIME.match(v) or DATE_ONLY.match(v) for v in values):
        return "datetime"
    return None


def _sample(headers: list[str], rows: list[list[str]] | None, header: str) -> list[str]:
    index = headers.index(header)
    return [r[index] for r in rows or [] if index < len(r)]


def _stem(key: str, ends: tuple[str, ...]) -> str | None:
    for end in ends:
        if key.endswith(end) and len(key) > len(end):
            return key[: -len(end)].rstrip("_")
    return None


def _twin(headers: list[str], keys: dict, used: set[str], header: str, want: str) -> str | None:
    """The column of the same stem holding the other half ("Dispatch Date" for "Dispatch
    Time", and the other way round)."""
    dates, times = ("date", "dt"), ("time", "tm", "clock")
    stem = _stem(keys[header], times if want == "date" else dates)
    ends = dates if want == "date" else times
    return next(
        (h for h in headers if h not in used and stem and _stem(keys[h], ends) == stem),
        None,
    )


def _later_clocks(
    headers: list[str],
    rows: list[list[str]],
    fields: dict,
    used: set[str],
    keys: dict,
    notes: list[str],
) -> dict[str, str]:
    """Dispatch, en-route, arrival and clear times given as a date column and a time-of-day
    column: {field: time-of-day column}, the field mapped to the date column. A time of day
    without a date column of its own takes the received date (and the next day when it falls
    before the call was received)."""
    clocks: dict[str, str] = {}
    for name in CLOCK_FIELDS:
        header = fields.get(name)
        if not header:
            continue
        kind = column_kind(_sample(headers, rows, header))
        if kind == "date":
            twin = _twin(headers, keys, used, header, "clock")
            if twin is not None and column_kind(_sample(headers, rows, twin)) == "clock":
                clocks[name] = twin
                used.add(twin)
        elif kind == "clock":
            twin = _twin(headers, keys, used, header, "date")
            date = twin or fields.get("received_date")
            if date is not None:
                clocks[name] = header
                fields[name] = date
                used.add(date)
                if twin is None:
                    notes.append(
                        f"“{header}” holds times of day only; its date is the received date "
                        f"(“{date}”), or the next day when the time is earlier."
                    )
    return clocks


def _better_clock(
    headers: list[str], rows: list[list[str]] | None, fields: dict, used: set[str]
) -> tuple[dict, str] | None:
    """When the received time proposed holds dates only: a column holding the date and time
    (a compact CDTS stamp, a "…date time" column), else a date column with its time-of-day
    twin ("OFFENSE_DATE" + "OFFENSE_TIME"). Returns (fields to set, why) or None."""
    kinds = {h: column_kind(_sample(headers, rows, h)) for h in headers}
    stamps = [h for h in headers if kinds[h] == "datetime" and h not in used]
    named = [h for h in stamps if any(w in header_key(h) for w in ("cdts", "time", "date"))]
    later = ("dispatch", "arriv", "clear", "close", "enroute", "en_route")
    for header in named:
        if not any(w in header_key(header) for w in later):
            return {"received_at": header}, f"“{header}” holds the date and time of day"
    dates = {
        stem: h
        for h in headers
        if kinds[h] == "date" and (stem := _stem(header_key(h), ("date", "dt"))) is not None
    }
    for h in headers:
        stem = _stem(header_key(h), ("time", "tm", "clock"))
        if kinds[h] == "clock" and stem is not None and stem in dates and h not in used:
            return (
                {"received_date": dates[stem], "received_clock": h},
                f"“{dates[stem]}” + “{h}” hold the date and the time of day",
            )
    return None


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
        # A lone date column is the best timestamp there is, unless a better one is found.
        fields["received_at"] = fields.pop("received_date")
        used.discard(fields.pop("received_clock", ""))
    notes: list[str] = []
    if "received_date" in fields and "received_clock" in fields:
        # "REPORT_DATE" + "OFFENSE_TIME" by name alone: the date that goes with the time is
        # the one of the same stem ("OFFENSE_DATE").
        stem = _stem(keys[fields["received_clock"]], ("time", "tm", "clock"))
        twin = next(
            (
                h
                for h in headers
                if h not in used and stem and _stem(keys[h], ("date", "dt")) == stem
            ),
            None,
        )
        if twin is not None and _stem(keys[fields["received_date"]], ("date", "dt")) != stem:
            notes.append(
                f"“{twin}” goes with “{fields['received_clock']}”; "
                f"“{fields['received_date']}” is another date."
            )
            used.discard(fields["received_date"])
            fields["received_date"] = twin
            used.add(twin)
    received = fields.get("received_at")
    if rows and received and column_kind(_sample(headers, rows, received)) == "date":
        # Never a date-only column as the received time when a time of day exists: every
        # call would fall at midnight.
        better = _better_clock(headers, rows, fields, used - {received})
        if better is not None:
            chosen, why = better
            used.discard(fields.pop("received_at"))
            fields.update(chosen)
            used.update(chosen.values())
            notes.append(f"“{received}” holds dates only, so it is not the received time: {why}.")
        else:
            notes.append(
                f"“{received}” holds dates only: every call would be received at midnight. "
                "Choose a column with the time of day if the file has one."
            )
    address_parts: dict[str, str] = {}
    if "address" not in fields:
        for part, (_, synonyms) in ADDRESS_PARTS.items():
            match = next((h for h in headers if h not in used and keys[h] in synonyms), None)
            if match is not None:
                address_parts[part] = match
        if "road" in address_parts:
            used.update(address_parts.values())
            notes.append(
                "The address is split over several columns; it is assembled from "
                + ", ".join(f"“{h}”" for h in address_parts.values())
                + "."
            )
        else:
            address_parts = {}
    clocks = _later_clocks(headers, rows, fields, used, keys, notes) if rows else {}
    flags: dict[str, str] = {}
    for flag, synonyms in FLAG_SYNONYMS.items():
        for h in headers:
            if h not in used and keys[h] in synonyms:
                flags[flag] = h
                used.add(h)
                break
    proposal: dict = {"fields": fields, "flags": flags}
    zone = (
        zone_of_stamps(_sample(headers, rows, fields["received_at"]))
        if (rows and fields.get("received_at"))
        else None
    )
    if zone is not None:
        proposal["zone_hint"] = zone
    if address_parts:
        proposal["address_parts"] = address_parts
    if clocks:
        proposal["clock_columns"] = clocks
    if notes:
        proposal["notes"] = notes
    return proposal


def mapping_problems(mapping: dict, headers: list[str]) -> list[str]:
    """What makes a mapping unusable for this file, in words; empty when it is fine."""
    problems = []
    fields = mapping.get("fields", {})
    missing = [
        h
        for h in [
            *fields.values(),
            *mapping.get("flags", {}).values(),
            *mapping.get("address_parts", {}).values(),
            *mapping.get("clock_columns", {}).values(),
        ]
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
    return not mapping_problems(
        mapping,
        [*mapping["fields"].values(), *mapping.get("address_parts", {}).values()],
    )


_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*([AP]M)?", re.IGNORECASE)


def _minute_of_day(value: str) -> str | None:
    compact = COMPACT.match(value)
    if compact:
        return compact.group(1)[:4]
    if DATE_ONLY.match(value):
        return "0000"
    text = value.strip()
    date = re.match(rf"^\s*{DATE}", text)
    match = _CLOCK.search(text[date.end() :] if date else text)
    if not match:
        return None
    hour = int(match.group(1)) % 12 if match.group(3) else int(match.group(1))
    if (match.group(3) or "").upper() == "PM":
        hour += 12
    return f"{hour:02d}{match.group(2)}"


def clock_warning(mapping: dict, headers: list[str], rows: list[list[str]]) -> str | None:
    """A warning when the first rows' received times are all at midnight or all on one
    minute: a date-only column, or a time column that is not the time of the call."""
    fields = mapping.get("fields", {})
    column = fields.get("received_clock") if fields.get("received_date") else None
    column = column or fields.get("received_at") or fields.get("received_date")
    if not column or column not in headers:
        return None
    values = [str(v).strip() for v in _sample(headers, rows, column) if str(v).strip()]
    minutes = [_minute_of_day(v) for v in values]
    if len(values) < 2 or None in minutes or len(set(minutes)) > 1:
        return None
    minute = minutes[0] or "0000"
    if minute == "0000":
        return (
            f"Every received time in the first {len(values)} rows of “{column}” is at midnight: "
            "the column holds dates without the time of day, so the hour-of-week chart and the "
            "team's hours would be wrong."
        )
    return (
        f"Every received time in the first {len(values)} rows of “{column}” is at "
        f"{minute[:2]}:{minute[2:]}: this does not look like the time each call came in."
    )
