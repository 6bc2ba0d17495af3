"""What several call-data forms share."""

from __future__ import annotations


def words(value: str) -> list[str]:
    """A comma- or line-separated list as its non-empty entries."""
    return [w.strip() for w in value.replace("\n", ",").split(",") if w.strip()]
