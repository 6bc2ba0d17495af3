"""Demo coaching: four months of logs and the deliverables of the inaugural five.

Also loads the jurisdictions' enrolment paperwork demo (it needs the seats and logins, which
exist only once applications.demo and accounts.demo have run; this seeder runs after them).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from coaching.models import CoachingLog, CoachingSettings, Deliverable, Workstream
from gpl_cohort.accounts.models import User
from jurisdictions.demo import INAUGURAL_COHORT, seed_paperwork
from jurisdictions.models import Jurisdiction

K = CoachingLog.Kind
W = Workstream
FIRST_MONDAY = dt.date(2021, 9, 6)
WEEKS = 17  # through the end of December 2021

# (title, workstream, due, status) — most are done; two stay overdue to show the home panels.
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
STILL_OPEN = {
    ("Durham", "RFP draft"): Deliverable.Status.IN_PROGRESS,
    ("Phoenix", "Community briefing deck"): Deliverable.Status.IN_REVIEW,
}
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
    if staff is None:
        return
    made = 0
    for index, (name, state, *_) in enumerate(INAUGURAL_COHORT):
        jurisdiction = Jurisdiction.objects.filter(name=name, state=state).first()
        if jurisdiction is None:
            continue
        owner = jurisdiction.contacts.order_by("pk").first()
        _seed_deliverables(jurisdiction, owner or staff, staff)
        if CoachingLog.objects.filter(jurisdiction=jurisdiction).exists():
            continue
        made += _seed_logs(jurisdiction, owner, staff, coach, random.Random(index))  # noqa: S311 - demo data
    log(f"coaching: {made} log entries and {Deliverable.objects.count()} deliverables")


def _seed_deliverables(jurisdiction: Jurisdiction, owner: User, staff: User) -> None:
    for title, workstream, due, status in DELIVERABLES:
        status = STILL_OPEN.get((jurisdiction.name, title), status)
        Deliverable.objects.get_or_create(
            jurisdiction=jurisdiction,
            title=title,
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
    jurisdiction: Jurisdiction, contact: User | None, staff: User, coach: User, rng: random.Random
) -> int:
    author = contact or staff
    side = CoachingLog.Side.JURISDICTION if contact else CoachingLog.Side.PROGRAM
    entries: list[CoachingLog] = []

    def add(day: dt.date, minutes: int, kind: str, workstream: str, notes: str) -> None:
        entries.append(
            CoachingLog(
                jurisdiction=jurisdiction, author=author, side=side, date=day,
                duration_minutes=minutes, kind=kind, workstream=workstream,
                staff_member=coach, notes=notes,
                next_steps="Share the draft next time." if kind == K.ONE_ON_ONE else "",
            )
        )  # fmt: skip

    for week in range(WEEKS):
        monday = FIRST_MONDAY + dt.timedelta(weeks=week)
        workstream = WORKSTREAM_BY_WEEK[week]
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
