"""Demo cohorts: the inaugural cohort (September 2021) and the closed 2022–2023 window as
history, and two cohorts placed relative to the day the demo is loaded: a current cohort in its
fourth month and the next one, whose application window is open."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db.models import F
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationContact,
    ApplicationTransition,
    Interview,
    ReferenceCheck,
    Review,
    ReviewScore,
    ShortAnswerQuestion,
)
from applications.services import criteria_seed
from cohorts.models import Cohort, CohortMembership
from gpl_cohort.accounts.demo import DEMO_PASSWORD
from gpl_cohort.accounts.models import User
from gpl_cohort.dates import add_months
from jurisdictions.demo import INAUGURAL_COHORT
from jurisdictions.models import Jurisdiction

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
    second, _ = Cohort.objects.update_or_create(
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
    applications = _seed_2022(second)
    today = timezone.localdate()
    current = _seed_current_cohort(today)
    open_cohort = _seed_open_cohort(current)
    # Rows are created today; a demo application was started before it was submitted.
    Application.objects.filter(submitted_at__isnull=False, created_at__gt=F("submitted_at")).update(
        created_at=F("submitted_at") - dt.timedelta(days=12)
    )
    log(
        f"applications: the inaugural five enrolled, {applications} applications to "
        f"{second.name}, {current.name} in its fourth month, "
        f"{open_cohort.name} open (applicant@albuquerque.example)"
    )


QUESTIONS = [
    "What would success look like for your team after its first year?",
    "What is the biggest obstacle to launching, and how will you address it?",
]

S = Application.Status
# (jurisdiction name, state, status, stage, launch, office)
APPLICANTS_2022 = [
    ("Albuquerque", "NM", S.DECLINED, "exploring", dt.date(2023, 9, 1), "executive"),
    ("Austin", "TX", S.SELECTED, "piloting", dt.date(2023, 3, 1), "public_health"),
    ("Baltimore", "MD", S.NOT_SELECTED, "planning", dt.date(2023, 4, 1), "community_safety"),
    ("Boston", "MA", S.REFERENCES_CHECKED, "planning", dt.date(2023, 5, 1), "dispatch"),
    ("Boulder", "CO", S.INTERVIEW_SCHEDULED, "planning", dt.date(2023, 6, 1), "law_enforcement"),
    ("Burlington", "VT", S.INVITED_ROUND2, "exploring", dt.date(2023, 4, 1), "cog"),
    ("Cambridge", "MA", S.ROUND1_REVIEW, "planning", dt.date(2023, 2, 1), "community_safety"),
    ("Chicago", "IL", S.ROUND1_REVIEW, "piloting", dt.date(2022, 12, 1), "public_health"),
    ("Cincinnati", "OH", S.SUBMITTED, "exploring", dt.date(2024, 1, 1), "executive"),
]
PATH: list[str] = [
    S.DRAFT, S.SUBMITTED, S.ROUND1_REVIEW, S.INVITED_ROUND2, S.INTERVIEW_SCHEDULED,
    S.INTERVIEWED, S.REFERENCES_CHECKED, S.SELECTED,
]  # fmt: skip


def _timeline(status: str) -> list[str]:
    if status == S.DECLINED:
        return [*PATH[:3], S.DECLINED]
    if status == S.NOT_SELECTED:
        return [*PATH[:7], S.NOT_SELECTED]
    return PATH[: PATH.index(status) + 1]


def _applicant(name: str, jurisdiction: Jurisdiction, password: str) -> User:
    email = f"applicant@{name.lower().replace(' ', '')}.example"
    user, _ = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": f"{name} Applicant",
            "password": password,
            "time_zone": jurisdiction.time_zone,
        },
    )
    return user


def _seed_2022(cohort: Cohort) -> int:
    """Applications to the 2022–2023 cohort in every state of the pipeline, with reviews.

    Statuses and timelines are written directly (no emails, no community invitations): demo
    data describes the past, it does not replay it.
    """
    questions = [
        ShortAnswerQuestion.objects.get_or_create(cohort=cohort, prompt=p, defaults={"order": i})[0]
        for i, p in enumerate(QUESTIONS)
    ]
    criteria = criteria_seed(cohort=cohort)
    reviewers = list(
        User.objects.filter(email__in=["staff@cohort.example", "reviewer@cohort.example"])
    )
    password = make_password(DEMO_PASSWORD)  # hashed once: the demo stays fast
    submitted = dt.datetime(2022, 5, 20, 12, tzinfo=ET)
    for index, (name, state, status, stage, launch, office) in enumerate(APPLICANTS_2022):
        jurisdiction = Jurisdiction.objects.filter(name=name, state=state).first()
        if jurisdiction is None:
            continue
        application, created = Application.objects.get_or_create(
            cohort=cohort,
            jurisdiction=jurisdiction,
            defaults={
                "status": status, "submitted_at": submitted, "stage": stage,
                "anticipated_launch_on": launch, "applying_office": office,
                "partners": f"{name} 911 center, public health department, a community coalition",
                "team_make_up": ["peers", "social_workers", "emts"],
                "call_types": "Welfare checks, mental-health crises, homelessness, intoxication",
                "collaboration": "A monthly working group of agencies and community partners.",
                "equity_goals": "Fewer police contacts for Black and Latino residents in crisis.",
                "short_answers": {str(q.pk): "Answered in the demo." for q in questions},
            },
        )  # fmt: skip
        if not created:
            continue
        user = _applicant(name, jurisdiction, password)
        ApplicationContact.objects.get_or_create(application=application, user=user)
        steps = _timeline(status)
        ApplicationTransition.objects.bulk_create(
            ApplicationTransition(
                application=application, from_status=a, to_status=b, actor="staff",
                by=reviewers[0] if reviewers else None,
                created_at=submitted + dt.timedelta(days=7 * i),
            )
            for i, (a, b) in enumerate(itertools.pairwise(steps))
        )  # fmt: skip
        for r, reviewer in enumerate(reviewers):
            review = Review.objects.create(
                application=application, reviewer=reviewer, submitted_at=submitted,
                comment="Strong collaboration." if (index + r) % 2 else "Launch date is late.",
            )  # fmt: skip
            ReviewScore.objects.bulk_create(
                ReviewScore(review=review, criterion=c, score=1 + (index + r + c.order) % 5)
                for c in criteria
            )
        if status in (S.INTERVIEW_SCHEDULED, S.REFERENCES_CHECKED, S.SELECTED):
            Interview.objects.create(
                application=application, starts_at=dt.datetime(2022, 7, 12, 14, tzinfo=ET),
                time_zone=jurisdiction.time_zone, meeting_url="https://zoom.example/j/2022",
                attendees="City Manager\nDirector of Emergency Communications",
            )  # fmt: skip
        if status in (S.REFERENCES_CHECKED, S.SELECTED):
            ReferenceCheck.objects.create(
                application=application, name="Jordan Rivers", organisation=f"{name} Coalition",
                called_on=dt.date(2022, 7, 20), notes="Enthusiastic, long partnership.",
            )  # fmt: skip
        if status == S.SELECTED:
            CohortMembership.objects.get_or_create(
                cohort=cohort, jurisdiction=jurisdiction,
                defaults={"status": CohortMembership.Status.SELECTED, "selected_at": submitted},
            )  # fmt: skip
    return Application.objects.filter(cohort=cohort).count()


DESCRIPTION = (
    "Twelve months of technical assistance for cities and counties launching alternative 911 "
    "emergency response teams."
)
# The current cohort: the two jurisdictions with demo logins came back for a second year to
# take their teams citywide, with three first-timers.
CURRENT_MEMBERS = [
    ("Durham", "NC"),
    ("Phoenix", "AZ"),
    ("Madison", "WI"),
    ("Minneapolis", "MN"),
    ("St. Petersburg", "FL"),
]


def _cohort_upsert(*, starts_on: dt.date, **fields: object) -> Cohort:
    """The cohort of the year starting `starts_on`, made or moved to the given dates.

    Keyed by its years ("2026-2027"), so a demo loaded again a year later turns last year's
    open cohort into the current one. A database seeded before cohorts were placed this way
    holds the open cohort as "open-demo": it is renamed rather than duplicated.
    """
    slug = f"{starts_on.year}-{starts_on.year + 1}"
    name = f"{starts_on.year}–{starts_on.year + 1} Implementation Cohort"
    cohort = (
        Cohort.objects.filter(slug=slug).first()
        or Cohort.objects.filter(name=name).first()
        or Cohort.objects.filter(slug="open-demo").first()
        or Cohort(length_months=12, seats=5, description=DESCRIPTION)
    )
    cohort.slug, cohort.name, cohort.starts_on = slug, name, starts_on
    for field, value in fields.items():
        setattr(cohort, field, value)
    cohort.save()
    return cohort


def _seed_current_cohort(today: dt.date) -> Cohort:
    """A cohort in its fourth month on `today`: started on the first of the month three months
    back, its application window closed before that."""
    starts_on = add_months(today.replace(day=1), -3)
    cohort = _cohort_upsert(
        starts_on=starts_on,
        opens_at=dt.datetime.combine(add_months(starts_on, -5), dt.time(9), tzinfo=ET),
        closes_at=dt.datetime.combine(add_months(starts_on, -3), dt.time(23, 59), tzinfo=ET),
    )
    selected = dt.datetime.combine(add_months(starts_on, -1), dt.time(12), tzinfo=ET)
    for name, state in CURRENT_MEMBERS:
        jurisdiction = Jurisdiction.objects.filter(name=name, state=state).first()
        if jurisdiction is None:
            continue
        Application.objects.update_or_create(
            cohort=cohort,
            jurisdiction=jurisdiction,
            defaults={"status": Application.Status.ENROLLED, "submitted_at": cohort.closes_at},
        )
        CohortMembership.objects.update_or_create(
            cohort=cohort,
            jurisdiction=jurisdiction,
            defaults={
                "status": CohortMembership.Status.ENROLLED,
                "point_of_contact": jurisdiction.contacts.order_by("pk").first(),
                "selected_at": selected,
                "enrolled_at": dt.datetime.combine(starts_on, dt.time(9), tzinfo=ET),
            },
        )
    _questions_and_criteria(cohort)
    return cohort


def _questions_and_criteria(cohort: Cohort) -> None:
    for i, prompt in enumerate(QUESTIONS):
        ShortAnswerQuestion.objects.get_or_create(
            cohort=cohort, prompt=prompt, defaults={"order": i}
        )
    criteria_seed(cohort=cohort)


def _seed_open_cohort(current: Cohort) -> Cohort:
    """The next cohort, its window open on the day the demo is loaded, so applying can be
    tried."""
    today = timezone.localdate()
    cohort = _cohort_upsert(
        starts_on=add_months(current.starts_on, 12),
        opens_at=dt.datetime.combine(today - dt.timedelta(days=14), dt.time(9), tzinfo=ET),
        closes_at=dt.datetime.combine(today + dt.timedelta(days=45), dt.time(23, 59), tzinfo=ET),
    )
    created = not Application.objects.filter(cohort=cohort).exists()
    _questions_and_criteria(cohort)
    albuquerque = Jurisdiction.objects.filter(name="Albuquerque", state="NM").first()
    if created and albuquerque is not None:
        draft = Application.objects.create(cohort=cohort, jurisdiction=albuquerque)
        user = _applicant("Albuquerque", albuquerque, make_password(DEMO_PASSWORD))
        ApplicationContact.objects.get_or_create(application=draft, user=user)
    return cohort
