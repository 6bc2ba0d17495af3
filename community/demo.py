"""Demo community of practice: a practitioner in each of 60+ governments and monthly sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.utils import timezone

from community.models import (
    Membership,
    NewsletterIssue,
    Presenter,
    Registration,
    Session,
    Subscriber,
)
from gpl_cohort.accounts.models import User
from gpl_cohort.outbox.models import EmailDelivery
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
    for name, state, _kind, _population, zone in COMMUNITY_OF_PRACTICE:
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
    _seed_registrations(tucson)
    # The demo practitioner has a seat at the next session: their home shows both states.
    upcoming = Session.objects.filter(kind=Session.Kind.COMMUNITY, starts_at__gt=timezone.now())
    if (next_session := upcoming.order_by("starts_at").first()) is not None:
        _register(next_session, demo_practitioner)
    _seed_webinar()
    _seed_newsletter()
    log(
        f"community: {Membership.objects.count()} practitioners, {Session.objects.count()} sessions"
        f", {Registration.objects.count()} registrations, {Subscriber.objects.count()} subscribers"
    )


def _register(session: Session, user: User, *, attended: bool | None = None) -> None:
    # Straight rows, no emails: the demo must not fill an inbox each time it is seeded.
    Registration.objects.get_or_create(
        session=session,
        email=user.email,
        defaults={
            "user": user,
            "full_name": user.full_name,
            "status": Registration.Status.REGISTERED,
            "status_changed_at": session.starts_at - dt.timedelta(days=7),
            "attended": attended,
        },
    )


def _seed_registrations(tucson: Jurisdiction) -> None:
    sessions = list(Session.objects.filter(kind=Session.Kind.COMMUNITY).order_by("starts_at"))
    members = list(
        User.objects.filter(community_membership__status=Membership.Status.APPROVED).order_by("pk")
    )
    now = timezone.now()
    for index, session in enumerate(sessions):
        Presenter.objects.get_or_create(
            session=session,
            name="Ryan Smith" if index % 2 else "Dana Alvarez",
            defaults={"title": "Program manager", "jurisdiction": tucson, "order": 0},
        )
        if not session.agenda_sharing:
            session.agenda_sharing = "A cohort jurisdiction shares what worked and what did not."
            session.agenda_learning = "Facilitated discussion with a subject-matter expert."
            session.agenda_connection = "Small groups by stage: exploring, planning, launching."
            session.meeting_url = session.meeting_url or "https://meet.example.org/cohort-cop"
            session.save()
        past = session.starts_at < now
        for position, user in enumerate(members[index * 7 : index * 7 + 25]):
            _register(session, user, attended=(position % 3 != 0) if past else None)
        if past and not session.recording_url:
            session.recording_url = "https://video.example.org/cohort-cop-recording"
            session.save(update_fields=["recording_url"])


def _seed_webinar() -> None:
    """The informational webinar of the cohort whose window is open (three weeks ahead)."""
    from cohorts.selectors import cohorts_open

    today = timezone.localdate()
    cohort = cohorts_open(now=timezone.now()).first()
    webinar, _ = Session.objects.get_or_create(
        kind=Session.Kind.WEBINAR,
        title=f"Informational webinar: the {cohort.name}" if cohort else "Informational webinar",
        defaults={
            "topic": Session.Topic.OTHER,
            "starts_at": dt.datetime.combine(
                today + dt.timedelta(days=21), dt.time(13), tzinfo=ZoneInfo("America/New_York")
            ),
            "capacity": 500,
            "meeting_url": "https://meet.example.org/cohort-webinar",
            "description": "What the cohort offers, who can apply, and how to apply.",
        },
    )
    questions = [
        ("Avery County", "Can a county apply together with its cities?"),
        ("Lakeview", "Is there funding for the response team itself?"),
        ("Red Rock Tribal Nation", "Can tribal nations apply?"),
    ]
    for index, (jurisdiction, question) in enumerate(questions):
        Registration.objects.get_or_create(
            session=webinar,
            email=f"visitor{index}@example.org",
            defaults={
                "full_name": f"Visitor {index + 1}",
                "jurisdiction_name": jurisdiction,
                "question": question,
                "status": Registration.Status.REGISTERED,
                "status_changed_at": timezone.now(),
            },
        )


def _seed_newsletter() -> None:
    existing = set(Subscriber.objects.values_list("email", flat=True))
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"reader{n}@example.org",
                status=Subscriber.Status.SUBSCRIBED,
                confirmed_at=timezone.now(),
            )
            for n in range(40)
            if f"reader{n}@example.org" not in existing
        ]
    )
    issue, created = NewsletterIssue.objects.get_or_create(
        subject="Cohort news: the first sessions",
        defaults={
            "body_markdown": "## This month\n\nThe community of practice met on **outcome "
            "tracking**. Recordings are on the [sessions page](/community/sessions/past/).",
            "status": NewsletterIssue.Status.SENT,
        },
    )
    if created:
        readers = list(Subscriber.objects.filter(status=Subscriber.Status.SUBSCRIBED))
        EmailDelivery.objects.bulk_create(
            [
                EmailDelivery(
                    message_key=issue.message_key,
                    recipient=reader.email,
                    category=EmailDelivery.Category.BULK,
                    subject=issue.subject,
                    body_text=issue.body_markdown,
                    status=EmailDelivery.Status.SENT,
                    sent_at=timezone.now(),
                )
                for reader in readers
            ],
            ignore_conflicts=True,
        )
        now = timezone.now()
        NewsletterIssue.objects.filter(pk=issue.pk).update(
            recipient_count=len(readers), started_at=now, fanned_out_at=now
        )
