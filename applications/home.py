from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from applications.selectors import (
    applicant_state,
    application_counts_by_status,
    applications_of_user,
)
from cohorts.selectors import cohorts_open
from gpl_cohort.accounts.roles import Roles
from gpl_cohort.home import Panel


def landing_panels(request: HttpRequest) -> list[Panel]:
    cohort = cohorts_open(now=timezone.now()).first()
    return [
        Panel(template="applications/_landing_apply.html", context={"cohort": cohort}, order=10)
    ]


def panels(request: HttpRequest, roles: Roles) -> list[Panel]:
    if roles.is_staff:
        counts = application_counts_by_status()
        return [
            Panel(
                template="applications/_home_staff.html",
                context={"counts": counts, "total": sum(c["count"] for c in counts)},
                order=10,
            )
        ]
    if not (roles.is_authenticated and request.user.is_authenticated):
        return []
    # The session's user comes with this answer (accounts.backends); most people have none.
    if not getattr(request.user, "_has_application_contact", True):
        return []
    applications = list(applications_of_user(request.user))
    if not applications:
        return []
    rows = [(a, applicant_state(a)) for a in applications]
    return [Panel(template="applications/_home_applicant.html", context={"rows": rows}, order=5)]
