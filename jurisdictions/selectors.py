from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Prefetch, Q, QuerySet

from cohorts.models import Cohort, CohortMembership
from cohorts.selectors import memberships_visible_to
from gpl_cohort.accounts.roles import roles_of, scoped_to_jurisdiction
from gpl_cohort.dates import add_months
from jurisdictions.models import (
    Jurisdiction,
    MoU,
    MoUTransition,
    PointOfContactChange,
    Resource,
    ResourceTag,
    ResponseTeam,
    SupportLetter,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from gpl_cohort.accounts.roles import RequestUser


class PaperworkCounts(TypedDict):
    letters: int
    poc_changes: int


def jurisdictions_visible_to(user: RequestUser) -> QuerySet[Jurisdiction]:
    return scoped_to_jurisdiction(Jurisdiction.objects.all(), user, field="pk")


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


def cohort_member_jurisdiction(user: RequestUser) -> bool:
    """Is this person a contact of a jurisdiction that holds (or held) a cohort seat?"""
    roles = roles_of(user)
    if roles.jurisdiction_id is None:  # not a contact
        return False
    return (
        CohortMembership.objects.filter(jurisdiction_id=roles.jurisdiction_id)
        .exclude(status=CohortMembership.Status.WITHDRAWN)
        .exists()
    )


def can_read_resource_library(user: RequestUser) -> bool:
    roles = roles_of(user)
    return roles.is_staff or roles.is_practitioner or cohort_member_jurisdiction(user)


def resources_visible_to(
    user: RequestUser, *, q: str = "", tag: str = "", category: str = ""
) -> QuerySet[Resource]:
    if not can_read_resource_library(user):
        return Resource.objects.none()
    qs = Resource.objects.select_related("source_jurisdiction").prefetch_related("tags")
    for word in q.split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(tags__name__icontains=word)
            | Q(source_jurisdiction__name__icontains=word)
        )
    if tag:
        qs = qs.filter(tags__name__iexact=tag)
    if category:
        qs = qs.filter(category=category)
    return qs.distinct()


def resource_tags_in_use() -> QuerySet[ResourceTag]:
    return ResourceTag.objects.annotate(n=Count("resources")).filter(n__gt=0).order_by("name")


def mous_visible_to(user: RequestUser) -> QuerySet[MoU]:
    return scoped_to_jurisdiction(
        MoU.objects.select_related("membership__jurisdiction", "membership__cohort"),
        user,
        field="membership__jurisdiction_id",
    )


def support_letters_visible_to(user: RequestUser) -> QuerySet[SupportLetter]:
    return scoped_to_jurisdiction(
        SupportLetter.objects.select_related("jurisdiction", "membership"), user
    )


def membership_detail(membership_id: int, user: RequestUser) -> CohortMembership | None:
    """One seat with everything its paperwork page shows (MoU and its steps, letters, POC)."""
    return (
        memberships_visible_to(user)
        .select_related("mou")
        .prefetch_related(
            Prefetch("mou__transitions", queryset=MoUTransition.objects.select_related("by")),
            Prefetch(
                "point_of_contact_changes",
                queryset=PointOfContactChange.objects.select_related(
                    "previous", "new", "changed_by"
                ),
            ),
            "support_letters",
        )
        .filter(pk=membership_id)
        .first()
    )


def cohort_paperwork(
    *, cohort_id: int
) -> QuerySet[WithAnnotations[CohortMembership, PaperworkCounts]]:
    """A cohort's seats with what their enrolment paperwork lacks, counted in the database."""
    return (
        CohortMembership.objects.filter(cohort_id=cohort_id)
        .select_related("jurisdiction", "point_of_contact", "mou")
        .annotate(
            letters=Count("support_letters", distinct=True),
            poc_changes=Count("point_of_contact_changes", distinct=True),
        )
        .order_by("jurisdiction__name")
    )


def cohort_current() -> Any:
    """The cohort staff look at by default: the latest one that has seats."""
    return Cohort.objects.filter(memberships__isnull=False).order_by("-starts_on").first()


def cohort_running(cohorts: list[Any], *, today: dt.date) -> Any | None:
    """Of `cohorts`, the one whose year holds `today` (the latest to start when two do), else the
    latest that has started, else the first one listed."""
    started = sorted((c for c in cohorts if c.starts_on <= today), key=lambda c: c.starts_on)
    running = [c for c in started if today < add_months(c.starts_on, c.length_months)]
    if running:
        return running[-1]
    if started:
        return started[-1]
    return cohorts[0] if cohorts else None


def cohorts_with_seats_pick(slug: str | None, *, today: dt.date) -> tuple[list[Any], Any | None]:
    """Cohorts that have seats, newest first, and the one `slug` names (or the one running
    `today`: a dashboard opens on the current cohort, not on one that has yet to start).

    Raises LookupError for a slug that names no cohort with seats, so staff dashboards can say so.
    """
    cohorts = list(
        Cohort.objects.filter(memberships__isnull=False).distinct().order_by("-starts_on")
    )
    if not slug:
        return cohorts, cohort_running(cohorts, today=today)
    cohort = next((c for c in cohorts if c.slug == slug), None)
    if cohort is None:
        raise LookupError(f"There is no cohort “{slug}” with seats.")
    return cohorts, cohort
