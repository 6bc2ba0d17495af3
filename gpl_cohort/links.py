"""Absolute links for places without a request: email bodies and calendar files.

They are built on COHORT_SITE_URL, the address the site is served at (`make run` sets it from
PORT, so `PORT=8080 make run` sends links that open).
"""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """The site's address followed by `path` (which starts with a slash, as reverse() gives)."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"
