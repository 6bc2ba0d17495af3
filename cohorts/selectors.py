"""Reads of cohorts and seats, for every app above this one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from cohorts.models import Cohort, CohortMembership
from gpl_cohort.accounts.roles import scoped_to_jurisdiction


def cohorts_public() -> QuerySet[Cohort]:
    return Cohort.objects.all()


def cohorts_open(*, now: dt.datetime) -> QuerySet[Cohort]:
    """Cohorts taking applications at `now`, the one closing first first."""
    return Cohort.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")


def memberships_visible_to(user: Any) -> QuerySet[CohortMembership]:
    return scoped_to_jurisdiction(
        CohortMembership.objects.select_related("cohort", "jurisdiction", "point_of_contact"), user
    )
