"""What a record is: a call, not a call (VOID, TEST, a duplicate), a cancelled or an unfounded
call, judged once per distinct call type or disposition."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from calldata.engine.code_lists import ReadingRules
from calldata.engine.codes import split_label
from calldata.engine.normalise.columns import encode
from calldata.engine.taxonomy import CANCELLED, NOT_A_CALL

_NOT_A_CALL = re.compile(NOT_A_CALL)
_CANCELLED = re.compile(CANCELLED)


def record_kinds(
    rules: ReadingRules, values: pd.Series, *, first_word: bool
) -> tuple[np.ndarray, list, np.ndarray]:
    """(kind per distinct value + a last entry for missing: 0 a call, 1 not a call,
    2 cancelled, 3 unfounded; the distinct values; each row's code, -1 when missing)."""
    codes, labels = encode(values)
    order = {"not_a_call": 1, "cancelled": 2, "unfounded": 3}
    kind = np.zeros(len(labels) + 1, dtype="int8")
    for index, label in enumerate(labels):
        kind[index] = order.get(kind_of(rules, label, first_word=first_word) or "", 0)
    return kind, labels, np.where(codes < 0, len(labels), codes)


def kind_of(rules: ReadingRules, label: object, *, first_word: bool) -> str | None:
    """The kind of one value: its code first, then the description a code table gave it
    ("CAN — Cancelled by caller", "C — Cancelled by caller"). Dispositions follow the
    jurisdiction's codes alone; call types also the words CAD systems put in them ("VOID",
    "TEST CALL", "CANCELLED BY CALLER")."""
    for text in split_label(str(label).upper()):
        if not text:
            continue
        found = rules.kind_of(text, first_word=first_word)
        if found is None and not first_word and _NOT_A_CALL.search(text):
            found = "not_a_call"
        elif found is None and not first_word and _CANCELLED.search(text):
            found = "cancelled"
        if found is not None:
            return found
    return None
