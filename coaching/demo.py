"""Demo coaching: the inaugural five's first four months (2021) and deliverables, as history,
and the current cohort's months up to the day the demo is loaded, with its deliverables due
around that day.

Also loads the jurisdictions' enrolment paperwork demo (it needs the seats and logins, which
exist only once applications.demo and accounts.demo have run; this seeder runs after them).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db.models import F
from django.utils import timezone

from coaching.models import CoachingLog, CoachingSettings, Deliverable, Workstream, week_start_of
from cohorts.models import Cohort
from gpl_cohort.accounts.models import User
from jurisdictions.demo import INAUGURAL_COHORT, seed_paperwork
from jurisdictions.models import Jurisdiction
from jurisdictions.selectors import cohort_running

K = CoachingLog.Kind
W = Workstream
FIRST_MONDAY = dt.date(2021, 9, 6)
WEEKS = 17  # through the end of December 2021
ENDED = dt.date(2022, 9, 1)  # the inaugural cohort's year is over

# (title, workstream, due, status): the inaugural cohort's, all done long ago.
DELIVERABLES = [
    ("Call-for-service analysis", W.CALL_ANALYSIS, dt.date(2021, 10, 29), Deliverable.Status.DONE),
    ("Call decision tree", W.DECISION_TREE, dt.date(2021, 11, 30), Deliverable.Status.DONE),
    ("Job description", W.HIRING, dt.date(2021, 12, 15), Deliverable.Status.DONE),
    ("Community briefing deck", W.COMMUNITY_BRIEFING, dt.date(2022, 1, 14),
     Deliverable.Status.DONE),
    ("RFP draft", W.RFP, dt.date(2022, 2, 15), Deliverable.Status.DONE),
    ("Outcome metrics and evaluation plan", W.EVALUATION, dt.date(2022, 3, 31),
     Deliverable.Status.DONE),
]  # fmt: skip
# The current cohort's: (title, workstream, due as weeks from its start or None for "from
# today", days from today, status). Some seats are a few days late with the one just due.
CURRENT_DELIVERABLES = [
    ("Call-for-service analysis", W.CALL_ANALYSIS, 6, 0, Deliverable.Status.DONE),
    ("Call decision tree", W.DECISION_TREE, 11, 0, Deliverable.Status.DONE),
    ("Job description", W.HIRING, None, -3, Deliverable.Status.IN_PROGRESS),
    ("Community briefing deck", W.COMMUNITY_BRIEFING, None, 10, Deliverable.Status.IN_REVIEW),
    ("RFP draft", W.RFP, None, 40, Deliverable.Status.NOT_STARTED),
    ("Outcome metrics and evaluation plan", W.EVALUATION, 36, 0, Deliverable.Status.NOT_STARTED),
]
WORKSTREAM_BY_WEEK = (
    [W.CALL_ANALYSIS] * 5
    + [W.DECISION_TREE] * 4
    + [W.HIRING] * 4
    + [W.COMMUNITY_BRIEFING] * 2
    + [W.FUNDING, W.RFP]
)


def seed(log: Callable[[str], None]) -> None:
    seed_paperwork(log)
    CoachingSettings.load()
    staff = User.objects.filter(email="staff@cohort.example").first()
    coach = User.objects.filter(email="reviewer@cohort.example").first() or staff
    if staff is None or coach is None:
        return
    made = 0
    for index, (name, state, *_) in enumerate(INAUGURAL_COHORT):
        jurisdiction = Jurisdiction.objects.filter(name=name, state=state).first()
        if jurisdiction is None:
            continue
        owner = jurisdiction.contacts.order_by("pk").first() or staff
        _seed_deliverables(jurisdiction, owner, staff)
        if CoachingLog.objects.filter(jurisdiction=jurisdiction, date__lt=ENDED).exists():
            continue
        weeks = [FIRST_MONDAY + dt.timedelta(weeks=w) for w in range(WEEKS)]
        rng = random.Random(index)  # noqa: S311 - demo data
        made += _seed_logs(jurisdiction, owner, staff, coach, rng, weeks=weeks, until=ENDED)
    made += _seed_current(staff, coach)
    log(f"coaching: {made} log entries and {Deliverable.objects.count()} deliverables")


def _seed_current(staff: User, coach: User) -> int:
    """The current cohort's coaching, from its first week through today."""
    today = timezone.localdate()
    cohorts = list(Cohort.objects.filter(memberships__isnull=False).distinct())
    cohort = cohort_running(cohorts, today=today)
    if cohort is None or cohort.starts_on > today or cohort.starts_on < ENDED:
        return 0
    # What came before the current cohort is history, and history is done: deliverables a
    # demo loaded earlier left open (it was their cohort's present then) are closed.
    Deliverable.objects.filter(due_on__lt=cohort.starts_on).exclude(
        status=Deliverable.Status.DONE
    ).update(status=Deliverable.Status.DONE, completed_on=F("due_on"))
    made = 0
    first = week_start_of(cohort.starts_on)
    weeks = [first + dt.timedelta(weeks=w) for w in range((today - first).days // 7 + 1)]
    seats = cohort.memberships.select_related("jurisdiction").order_by("pk")
    for index, membership in enumerate(seats):
        jurisdiction = membership.jurisdiction
        owner = jurisdiction.contacts.order_by("pk").first()
        for title, workstream, weeks_in, days_from_today, planned in CURRENT_DELIVERABLES:
            # Two seats in five are running late on what is overdue; the others delivered.
            late = planned != Deliverable.Status.DONE and days_from_today < 0
            status = Deliverable.Status.DONE if late and index % 2 else planned
            due = (
                cohort.starts_on + dt.timedelta(weeks=weeks_in)
                if weeks_in is not None
                else today + dt.timedelta(days=days_from_today)
            )
            Deliverable.objects.get_or_create(
                jurisdiction=jurisdiction,
                title=title,
                due_on__gte=cohort.starts_on,
                defaults={
                    "workstream": workstream, "due_on": due, "status": status,
                    "owner": owner or staff, "updated_by": staff,
                    "completed_on": due - dt.timedelta(days=2)
                    if status == Deliverable.Status.DONE else None,
                },
            )  # fmt: skip
        if CoachingLog.objects.filter(
            jurisdiction=jurisdiction, date__gte=cohort.starts_on
        ).exists():
            continue
        rng = random.Random(f"{jurisdiction.pk}:{cohort.slug}")  # noqa: S311 - demo data
        made += _seed_logs(jurisdiction, owner, staff, coach, rng, weeks=weeks, until=today)
    return made


def _seed_deliverables(jurisdiction: Jurisdiction, owner: User, staff: User) -> None:
    for title, workstream, due, status in DELIVERABLES:
        Deliverable.objects.get_or_create(
            jurisdiction=jurisdiction,
            title=title,
            due_on=due,
            defaults={
                "workstream": workstream,
                "due_on": due,
                "status": status,
                "owner": owner,
                "updated_by": staff,
                "completed_on": due - dt.timedelta(days=2)
                if status == Deliverable.Status.DONE
                else None,
            },
        )


def _seed_logs(
    jurisdiction: Jurisdiction,
    contact: User | None,
    staff: User,
    coach: User,
    rng: random.Random,
    *,
    weeks: list[dt.date],
    until: dt.date,
) -> int:
    """Two or three 1:1 sessions a week, independent work, and the monthly group call, on the
    Mondays of `weeks`, nothing after `until`."""
    author = contact or staff
    side = CoachingLog.Side.JURISDICTION if contact else CoachingLog.Side.PROGRAM
    entries: list[CoachingLog] = []

    def add(day: dt.date, minutes: int, kind: str, workstream: str, notes: str) -> None:
        if day > until:
            return
        entries.append(
            CoachingLog(
                jurisdiction=jurisdiction, author=author, side=side, date=day,
                duration_minutes=minutes, kind=kind, workstream=workstream,
                staff_member=coach, notes=notes,
                next_steps="Share the draft next time." if kind == K.ONE_ON_ONE else "",
            )
        )  # fmt: skip

    for week, monday in enumerate(weeks):
        workstream = WORKSTREAM_BY_WEEK[min(week, len(WORKSTREAM_BY_WEEK) - 1)]
        sessions = rng.choice([2, 2, 3])
        for n in range(sessions):
            minutes = 15 * rng.choice([4, 5, 6, 6, 8])
            if week == 6 and n == 0:
                minutes = 180  # one week above the 4-hour ceiling, as happens
            add(monday + dt.timedelta(days=n * 2), minutes, K.ONE_ON_ONE, workstream,
                f"1:1 on {workstream.label.lower()}")  # fmt: skip
        add(monday + dt.timedelta(days=3), 15 * rng.choice([4, 6, 8]), K.INDEPENDENT, workstream,
            "Worked on the draft between sessions")  # fmt: skip
        if monday.day <= 7:  # the first week of a month: the cohort group call
            add(monday + dt.timedelta(days=3), 90, K.GROUP_CALL, W.OTHER, "Cohort group call")
    CoachingLog.objects.bulk_create(entries)
    if contact is not None:
        # Staff logged their side of the first sessions: linked, not counted twice.
        staff_side = [
            CoachingLog(
                jurisdiction=jurisdiction, author=coach, side=CoachingLog.Side.PROGRAM,
                date=entry.date, duration_minutes=entry.duration_minutes, kind=K.ONE_ON_ONE,
                workstream=entry.workstream, staff_member=coach, pairs_with=entry,
                notes="Coach's notes",
            )
            for entry in entries[:4]
            if entry.kind == K.ONE_ON_ONE
        ]  # fmt: skip
        CoachingLog.objects.bulk_create(staff_side)
        return len(entries) + len(staff_side)
    return len(entries)
