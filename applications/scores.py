"""How a mean review score is printed: one rule for the admin, the CSV export and the pages.

Two decimals, halves rounded up (3.125 reads 3.13 everywhere). Python's format() rounds the
binary float, which gave 3.12 in the admin while the template's floatformat gave 3.13.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MISSING = "—"


def score_display(value: float | None, *, missing: str = MISSING) -> str:
    if value is None:
        return missing
    # str() gives the shortest repr (3.125), so the half is seen as the person sees it.
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
