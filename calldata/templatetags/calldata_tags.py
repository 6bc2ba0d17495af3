"""Filters for the call-data pages."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat

from calldata.engine.fields import CATEGORIES

register = template.Library()


@register.filter
def percent(share: float | str | None) -> str:
    """A share (0.032) as a percentage to a tenth ("3.2%"): rounding to whole percents turned
    3.2% into "3%" and 0.4% into "0%"."""
    if share in (None, ""):
        return "–"
    return f"{floatformat(100 * float(share), '1g')}%"


@register.filter
def category_label(key: str) -> str:
    """A category's label ("behavioral_health" → "Behavioral health"); the key if unknown."""
    return CATEGORIES.get(key, key)
