"""Demo community of practice: a practitioner in each of 60+ governments and monthly sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.utils import timezone

from community.models import Membership, Session
from gpl_cohort.accounts.models import User
from jurisdictions.demo import COMMUNITY_OF_PRACTICE
from jurisdictions.models import Jurisdiction

TOPICS = [
    (Session.Topic.OUTCOME_TRACKING, "Tracking call outcomes in the first year"),
    (Session.Topic.TEAM_TRAINING, "Training responders: de-escalation and field safety"),
    (Session.Topic.RFP_DESIGN, "Writing an RFP for a community-based provider"),
    (Session.Topic.COMMUNITY_OUTREACH, "Telling residents what the new team does"),
    (Session.Topic.STAKEHOLDER_COLLABORATION, "Working with 911, police and fire"),
    (Session.Topic.FUNDING, "Funding streams after ARPA"),
]


def seed(log: Callable[[str], None]) -> None:
    demo_practitioner = User.objects.get(email="practitioner@tucson.example")
    tucson = Jurisdiction.objects.get(name="Tucson", state="AZ")
    Membership.objects.update_or_create(
        user=demo_practitioner,
        defaults={
            "jurisdiction": tucson,
            "agency": "Communications Department (911)",
            "role": "Deputy director",
            "status": Membership.Status.APPROVED,
        },
    )
    for name, state, _kind, zone in COMMUNITY_OF_PRACTICE:
        jurisdiction = Jurisdiction.objects.get(name=name, state=state, kind=_kind)
        slug = "".join(ch for ch in f"{name}{state}".lower() if ch.isalnum())
        email = f"practitioner@{slug}.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=None, full_name=f"Practitioner of {name}", time_zone=zone
            )
        Membership.objects.get_or_create(
            user=user,
            defaults={
                "jurisdiction": jurisdiction,
                "agency": "Office of Community Safety",
                "role": "Program manager",
                "status": Membership.Status.APPROVED,
            },
        )
    # Monthly sessions: the first Thursday, 2 pm Eastern, around today.
    eastern = ZoneInfo("America/New_York")
    today = timezone.localdate()
    for offset in range(-2, 4):
        month = (today.month - 1 + offset) % 12 + 1
        year = today.year + (today.month - 1 + offset) // 12
        first = dt.date(year, month, 1)
        first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
        topic, title = TOPICS[(month - 1) % len(TOPICS)]
        Session.objects.update_or_create(
            title=f"{title} ({first_thursday:%B %Y})",
            defaults={
                "topic": topic,
                "starts_at": dt.datetime.combine(first_thursday, dt.time(14), tzinfo=eastern),
                "duration": dt.timedelta(minutes=90),
                "capacity": 100,
                "description": "Sharing from a cohort jurisdiction, facilitated learning, and "
                "connection with peers.",
            },
        )
    log(
        f"community: {Membership.objects.count()} practitioners, {Session.objects.count()} sessions"
    )
