from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from applications.scores import score_display
from applications.selectors import applicant_state as _applicant_state
from applications.words import WORD_LIMIT

if TYPE_CHECKING:
    from applications.models import Application

register = template.Library()


@register.simple_tag
def applicant_state(application: Application) -> dict[str, Any]:
    return _applicant_state(application)


@register.filter
def score(value: float | None) -> str:
    """A mean review score, rounded as everywhere else (applications.scores)."""
    return score_display(value)


@register.simple_tag
def word_limit() -> int:
    return WORD_LIMIT
