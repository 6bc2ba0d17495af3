from __future__ import annotations

from django.http import HttpRequest

from cohorts.selectors import memberships_visible_to
from gpl_cohort.accounts.roles import Roles
from gpl_cohort.home import Panel
from jurisdictions.selectors import jurisdictions_visible_to


def panels(request: HttpRequest, roles: Roles) -> list[Panel]:
    if roles.jurisdiction_id is None:  # not a contact
        return []
    jurisdiction = (
        jurisdictions_visible_to(request.user)
        .prefetch_related("response_teams")
        .filter(pk=roles.jurisdiction_id)
        .first()
    )
    if jurisdiction is None:
        return []
    return [
        Panel(
            template="jurisdictions/_home_contact.html",
            context={
                "jurisdiction": jurisdiction,
                "memberships": memberships_visible_to(request.user),
            },
            order=10,
        )
    ]
