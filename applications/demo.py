"""Demo cohorts: the inaugural cohort (September 2021) and the closed 2022–2023 window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from applications.models import Application, Cohort
from jurisdictions.demo import INAUGURAL_COHORT
from jurisdictions.models import CohortMembership, Jurisdiction

ET = ZoneInfo("America/New_York")


def seed(log: Callable[[str], None]) -> None:
    inaugural, _ = Cohort.objects.update_or_create(
        slug="2021-2022",
        defaults={
            "name": "2021–2022 Implementation Cohort",
            "opens_at": dt.datetime(2021, 5, 1, 9, tzinfo=ET),
            "closes_at": dt.datetime(2021, 6, 30, 23, 59, tzinfo=ET),
            "starts_on": dt.date(2021, 9, 1),
            "length_months": 12,
            "seats": 5,
        },
    )
    Cohort.objects.update_or_create(
        slug="2022-2023",
        defaults={
            "name": "2022–2023 Implementation Cohort",
            "opens_at": dt.datetime(2022, 4, 15, 9, tzinfo=ET),
            "closes_at": dt.datetime(2022, 6, 3, 23, 59, tzinfo=ET),
            "starts_on": dt.date(2022, 9, 1),
            "length_months": 12,
            "seats": 5,
        },
    )
    for name, state, *_ in INAUGURAL_COHORT:
        jurisdiction = Jurisdiction.objects.get(name=name, state=state)
        Application.objects.update_or_create(
            cohort=inaugural,
            jurisdiction=jurisdiction,
            defaults={
                "status": Application.Status.ENROLLED,
                "submitted_at": dt.datetime(2021, 6, 15, 12, tzinfo=ET),
            },
        )
        contact = jurisdiction.contacts.order_by("pk").first()
        CohortMembership.objects.update_or_create(
            cohort=inaugural,
            jurisdiction=jurisdiction,
            defaults={
                "status": CohortMembership.Status.ENROLLED,
                "point_of_contact": contact,
                "selected_at": dt.datetime(2021, 8, 2, 12, tzinfo=ET),
                "enrolled_at": dt.datetime(2021, 9, 1, 9, tzinfo=ET),
            },
        )
    log("applications: 2 cohorts, the inaugural five enrolled")
