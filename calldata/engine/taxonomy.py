"""Call-type taxonomy: suggesting a category for each distinct raw call type.

The built-in dictionary is `calldata/data/call_type_dictionary.csv` (documented in
calldata/README.md): ordered rows of (category, kind, pattern). A raw call type takes the category
of the first row that matches it; "code" rows match the whole code exactly, "keyword" rows are
regular expressions searched in the upper-cased call type. Jurisdiction-specific rows (staff
extensions) are tried before the built-in ones. Raw call types that equal an APCO/NENA common
incident type code (`calldata/data/apco_categories.csv`) take that code's category.

Classifying works on the distinct call types (hundreds), never on every row, so it costs the
same for ten thousand calls as for ten million.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from calldata.engine.codes import split_label
from calldata.engine.fields import CATEGORIES

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Rule:
    category: str
    kind: str  # "keyword" or "code"
    pattern: str
    note: str = ""

    def compiled(self) -> re.Pattern[str]:
        if self.kind == "code":
            return re.compile(rf"^{re.escape(self.pattern.strip().upper())}$")
        return re.compile(self.pattern, re.IGNORECASE)


@lru_cache(maxsize=1)
def builtin_rules() -> tuple[Rule, ...]:
    with (DATA / "call_type_dictionary.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rules = tuple(Rule(r["category"], r["kind"], r["pattern"], r.get("note", "")) for r in rows)
    unknown = {r.category for r in rules} - set(CATEGORIES)
    if unknown:
        raise ValueError(f"Unknown categories in call_type_dictionary.csv: {sorted(unknown)}")
    return rules


@lru_cache(maxsize=1)
def apco_categories() -> dict[str, str]:
    with (DATA / "apco_categories.csv").open(encoding="utf-8") as handle:
        return {row["code"].upper(): row["category"] for row in csv.DictReader(handle)}


class Classifier:
    def __init__(self, extra_rules: list[Rule] | tuple[Rule, ...] = ()) -> None:
        self.rules = [*extra_rules, *builtin_rules()]
        self._compiled = [(rule, rule.compiled()) for rule in self.rules]
        self.apco = apco_categories()

    def explain(self, call_type: str) -> tuple[str, str]:
        """(category, why) for one raw call type. A code described by the jurisdiction's code
        table ("415 — Disturbance") is matched as a code on its code and by keyword on its
        description first, then on the code."""
        code, description = split_label(str(call_type or ""))
        text = " ".join(code.upper().split())
        description = " ".join(description.upper().split())
        if not text:
            return "other", "empty call type"
        for rule, regex in self._compiled:
            if rule.kind == "code" and regex.search(text):
                return rule.category, f"code {rule.pattern}"
        if text in self.apco:
            return self.apco[text], f"APCO/NENA code {text}"
        for searched, where in ((description, " in the description"), (text, "")):
            if not searched:
                continue
            for rule, regex in self._compiled:
                if rule.kind == "keyword" and (match := regex.search(searched)):
                    return rule.category, f"keyword {match.group(0).strip()}{where}"
        return "other", "no dictionary entry matched"

    def classify(self, call_types: list[str]) -> dict[str, str]:
        return {call_type: self.explain(call_type)[0] for call_type in call_types}


# Markers CAD systems put inside the call-type code itself.
MARKERS = {
    "weapon": r"WEAPON|\bGUNS?\b|FIREARM|KNIFE|\bARMED\b|SHOTS?\b|SHOOT|STAB|W/?WEAP|\bW/W\b"
    r"|\bARMD\b",
    "violence": r"VIOLEN|ASSAULT|FIGHT|BATTERY|\bDV\b|DOMESTIC|HOMICIDE|ROBBERY|THREAT|STAB"
    r"|SHOOT|COMBATIVE",
    "urgent": r"URGENT|EMERG|IN PROGRESS|\bIP\b|\bHOT\b|PRIORITY|\bP1\b|IMMEDIATE|ACTIVE",
    "injury": r"INJUR|BLEED|UNCONSC|HURT|WOUND|TRAUMA|\bPI\b",
}
NOT_A_CALL = (
    r"^(?:VOID|TEST|TEST CALL|DUPLICATE|DUP|DUPLICATE CALL)\b|\b(?:VOID|TEST CALL|DUPLICATE)$"
)
CANCELLED = r"CANCEL|\bCANC\b|\bCXL\b|CALLER LEFT|UNFOUNDED BEFORE DISPATCH"


def markers_for(call_types: list[str]) -> dict[str, dict[str, bool]]:
    """{marker: {call type: bool}} for the distinct call types."""
    compiled = {name: re.compile(pattern) for name, pattern in MARKERS.items()}
    return {
        name: {ct: bool(regex.search(str(ct).upper())) for ct in call_types}
        for name, regex in compiled.items()
    }


OFFICER = re.compile(
    r"OFFICER|SELF|FIELD|ON[- ]?VIEW|ONVIEW|RADIO|PROACTIVE|INITIATED BY OFFICER|\bOI\b|\bSI\b|"
    r"TRAFFIC STOP|PATROL|\bF\b|\bO\b"
)
PUBLIC = re.compile(
    r"911|E911|PHONE|TELEPHONE|CALL|ONLINE|WALK|IN PERSON|TEXT|ALARM|EMAIL|WEB|ADMIN LINE|"
    r"NON[- ]?EMERG|\bP\b|\bC\b|CITIZEN|PUBLIC|10[- ]?DIGIT"
)


def initiated_by(source_values: list[str]) -> dict[str, str]:
    """{raw source: "officer" | "public" | "unknown"} for the distinct source values."""
    result = {}
    for value in source_values:
        text = str(value or "").upper().strip()
        if text in ("Y", "YES", "TRUE", "1"):
            # A column named like self_initiated/officer_initiated holding yes/no.
            result[value] = "officer"
        elif text in ("N", "NO", "FALSE", "0"):
            result[value] = "public"
        elif OFFICER.search(text):
            result[value] = "officer"
        elif PUBLIC.search(text):
            result[value] = "public"
        else:
            result[value] = "unknown"
    return result
