from __future__ import annotations

from django.http import HttpRequest

from coaching import selectors, services
from gpl_cohort.accounts.roles import Roles
from gpl_cohort.home import Panel


def panels(request: HttpRequest, roles: Roles) -> list[Panel]:
    if not (roles.is_staff or roles.is_contact):
        return []
    result = []
    if roles.is_contact:
        jurisdiction = selectors.coaching_jurisdiction_for(request.user, None)
        if jurisdiction is not None:
            today = services.local_today(jurisdiction)
            result.append(
                Panel(
                    template="coaching/_home_coaching.html",
                    context={
                        "commitments": selectors.commitments_for(
                            jurisdiction=jurisdiction, day=today
                        )
                    },
                    order=15,
                )
            )
    overdue = selectors.overdue_deliverables(request.user)
    if overdue:
        result.append(
            Panel(
                template="coaching/_home_overdue.html",
                context={"overdue": overdue[:20], "show_jurisdiction": roles.is_staff},
                order=5,
            )
        )
    return result
