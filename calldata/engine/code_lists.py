"""How a jurisdiction's CAD codes are read: which dispositions (or call types) mean the record
is not a call, a cancelled call or an unfounded one, and which values of a beat or area mean
"unknown". The defaults are proposed to every jurisdiction and edited per jurisdiction
(`calldata.models.ReadingSettings`).

The defaults come from published CAD code lists: the disposition codes of San José's
police calls-for-service data dictionary (`CAN` cancelled, `DUPNCAN` duplicate, `UTL` unable to
locate), Seattle's and New Orleans' open-data dispositions (`DUP`, `UNF`, `UNFOUNDED`, `VOID`),
Tyson/CentralSquare and Tritech defaults (`CANC`, `CNCL`, `CXL`, `DUPL`, `ERR`) and the NIBRS
clearance "unfounded". A value matches a code when the whole value, or its first word before a
space, dash, slash or colon ("DUP - Duplicate call"), equals it, ignoring case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Records that are not calls: dropped, each code counted on its own in the report.
NOT_A_CALL_CODES = (
    "DUP",
    "DUPL",
    "DUPE",
    "DUPLICATE",
    "DUPNCAN",
    "DUP CALL",
    "DUPLICATE CALL",
    "VOID",
    "TEST",
    "TEST CALL",
    "TST",
    "ERR",
    "ERROR",
    "EIE",
    "ENTERED IN ERROR",
)
# Calls cancelled before anyone arrived: kept, flagged, left out of scenarios by default.
CANCELLED_CODES = (
    "CAN",
    "CANC",
    "CNCL",
    "CANCEL",
    "CANCELED",
    "CANCELLED",
    "CXL",
    "CALLER CANCELLED",
    "DISREGARD",
    "DISREG",
    "CALLER LEFT",
)
# Responded to, nothing found: kept and flagged (a real use of a unit's time).
UNFOUNDED_CODES = (
    "UNF",
    "UNFD",
    "UNFOUNDED",
    "UTL",
    "UNABLE TO LOCATE",
    "NOTHING FOUND",
    "GOA",
    "GONE ON ARRIVAL",
)
# Placeholder values CAD systems write where a beat, district or area is not known.
UNKNOWN_VALUES = ("-1", "0", "00", "UNK", "UNKN", "UNKNOWN", "NONE", "?", "N/A", "NA", "XX")

KINDS = ("not_a_call", "cancelled", "unfounded")
_FIRST_WORD = re.compile(r"^([^\s\-/:]+)")


def parse_codes(text: str) -> tuple[str, ...]:
    """Codes from a comma- or line-separated text, upper-cased, each once, in order."""
    seen: dict[str, None] = {}
    for part in re.split(r"[,\n;]+", text or ""):
        code = " ".join(part.strip().upper().split())
        if code:
            seen[code] = None
    return tuple(seen)


def _key(value: object) -> tuple[str, str]:
    text = " ".join(str(value).strip().upper().split())
    first = _FIRST_WORD.match(text)
    return text, first.group(1) if first else text


@dataclass(frozen=True)
class ReadingRules:
    not_a_call: tuple[str, ...] = NOT_A_CALL_CODES
    cancelled: tuple[str, ...] = CANCELLED_CODES
    unfounded: tuple[str, ...] = UNFOUNDED_CODES
    unknown: tuple[str, ...] = UNKNOWN_VALUES

    @classmethod
    def from_dict(cls, data: dict | None) -> ReadingRules:
        data = data or {}
        return cls(
            **{
                name: tuple(str(v).strip().upper() for v in data[name])
                for name in (*KINDS, "unknown")
                if name in data
            }
        )

    def as_dict(self) -> dict[str, list[str]]:
        return {name: list(getattr(self, name)) for name in (*KINDS, "unknown")}

    def kind_of(self, value: object, *, first_word: bool = True) -> str | None:
        """ "not_a_call", "cancelled", "unfounded" or None for one disposition (whole value or
        its first word) or call type (`first_word=False`: "CAN COLLECTION" is not cancelled)."""
        if value is None:
            return None
        whole, first = _key(value)
        for kind in KINDS:
            codes = getattr(self, kind)
            if whole in codes or (first_word and first in codes):
                return kind
        return None

    def is_unknown(self, value: object) -> bool:
        return " ".join(str(value).strip().upper().split()) in self.unknown
