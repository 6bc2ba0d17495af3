from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hours(minutes: int | float | None) -> str:
    """Minutes shown as hours: 90 → "1.5 h", 0 → "0 h"."""
    value = (minutes or 0) / 60
    return f"{value:.2f}".rstrip("0").rstrip(".") + " h"
