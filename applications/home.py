from __future__ import annotations

from django.http import HttpRequest

from applications.selectors import application_counts_by_status
from gpl_cohort.accounts.roles import Roles
from gpl_cohort.home import Panel


def panels(request: HttpRequest, roles: Roles) -> list[Panel]:
    if not roles.is_staff:
        return []
    counts = application_counts_by_status()
    return [
        Panel(
            template="applications/_home_staff.html",
            context={"counts": counts, "total": sum(c["count"] for c in counts)},
            order=10,
        )
    ]
