from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from community import page_cache
from gpl_cohort.accounts.roles import Roles
from gpl_cohort.home import Panel


def panels(request: HttpRequest, roles: Roles) -> list[Panel]:
    if not (roles.is_staff or roles.is_practitioner):
        return []
    return [
        Panel(
            template="community/_home_sessions.html",
            context={"sessions": page_cache.upcoming(timezone.now(), limit=5)},
            order=20,
        )
    ]
