from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from gpl_cohort.accounts.roles import roles_of
from jurisdictions.models import CohortMembership, Jurisdiction, ResponseTeam


def jurisdictions_visible_to(user: Any) -> QuerySet[Jurisdiction]:
    roles = roles_of(user)
    qs = Jurisdiction.objects.all()
    if roles.is_staff:
        return qs
    if roles.is_contact:
        return qs.filter(pk=roles.jurisdiction_id)
    return qs.none()


def memberships_visible_to(user: Any) -> QuerySet[CohortMembership]:
    roles = roles_of(user)
    qs = CohortMembership.objects.select_related("cohort", "jurisdiction", "point_of_contact")
    if roles.is_staff:
        return qs
    if roles.is_contact:
        return qs.filter(jurisdiction_id=roles.jurisdiction_id)
    return qs.none()


def teams_launched_from_911(*, cohort_id: int) -> dict[str, int]:
    """ "Teams launched from the 911 call center: N of M" for one cohort's jurisdictions."""
    totals = CohortMembership.objects.filter(cohort_id=cohort_id).aggregate(
        members=Count("pk", distinct=True),
        launched=Count(
            "jurisdiction",
            distinct=True,
            filter=Q(
                jurisdiction__response_teams__status=ResponseTeam.Status.LAUNCHED,
                jurisdiction__response_teams__dispatched_from=ResponseTeam.DispatchedFrom.CALL_CENTER_911,
            ),
        ),
    )
    return {"launched": totals["launched"], "members": totals["members"]}
