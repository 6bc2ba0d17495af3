"""Reads of the coaching app: scoped querysets and totals computed in the database.

Weeks start on Monday in the jurisdiction's own time zone. A log's `date` is already the local
date, and `week_start` (its Monday) is stored with it, so weekly totals are a GROUP BY on a
column and stay right across DST changes (no time-of-day arithmetic is involved anywhere).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from coaching.models import CoachingLog, CoachingSettings, Deliverable, Workstream, week_start_of
from cohorts.models import CohortMembership
from gpl_cohort.accounts.roles import roles_of, scoped_to_jurisdiction
from gpl_cohort.dates import add_months
from jurisdictions.dates import local_today
from jurisdictions.models import Jurisdiction

if TYPE_CHECKING:
    from cohorts.models import Cohort
    from gpl_cohort.accounts.roles import RequestUser

K = CoachingLog.Kind


def logs_visible_to(user: RequestUser) -> QuerySet[CoachingLog]:
    return scoped_to_jurisdiction(
        CoachingLog.objects.select_related("jurisdiction", "author", "staff_member"), user
    )


def deliverables_visible_to(user: RequestUser) -> QuerySet[Deliverable]:
    return scoped_to_jurisdiction(
        Deliverable.objects.select_related("jurisdiction", "owner", "updated_by"), user
    )


# The week grid lists each day's entries under the day; a day holding more (an import, a
# script posting through the API) shows the first ones and links to the rest, so the page costs
# one week of rows however much was logged.
WEEK_ENTRIES_PER_DAY = 8


@dataclass
class DayEntries:
    """The first entries of a day (oldest first), and how many there are in all."""

    entries: list[CoachingLog] = field(default_factory=list)
    count: int = 0
    minutes: int = 0

    @property
    def more(self) -> int:
        return self.count - len(self.entries)

    @property
    def more_minutes(self) -> int:
        return self.minutes - sum(log.duration_minutes for log in self.entries)


def week_entries(
    user: RequestUser,
    *,
    jurisdiction: Jurisdiction,
    days: list[dt.date],
    per_day: int = WEEK_ENTRIES_PER_DAY,
) -> dict[dt.date, DayEntries]:
    """Each day's first `per_day` entries with the day's count and minutes, in one query."""
    by_day = {day: DayEntries() for day in days}
    day: dict[str, Any] = {"partition_by": [F("date")]}
    first = (
        logs_visible_to(user)
        .select_related(None)
        .filter(jurisdiction=jurisdiction, date__gte=days[0], date__lte=days[-1])
        .annotate(
            rank=Window(RowNumber(), **day, order_by=[F("created_at").asc(), F("pk").asc()]),
            day_count=Window(Count("pk"), **day),
            day_minutes=Window(Sum("duration_minutes"), **day),
        )
        .filter(rank__lte=per_day)
        .only("pk", "date", "author_id", "duration_minutes", "kind", "pairs_with_id", "created_at")
        .order_by("date", "created_at", "pk")
    )
    for log in first:
        entries = by_day[log.date]
        entries.entries.append(log)
        entries.count, entries.minutes = log.day_count, log.day_minutes
    return by_day


def coaching_jurisdiction_for(
    user: RequestUser, jurisdiction_id: int | str | None
) -> Jurisdiction | None:
    """The jurisdiction whose coaching a page shows: a contact's own; for staff, the one asked."""
    roles = roles_of(user)
    if roles.jurisdiction_id is not None and not (roles.is_staff and jurisdiction_id):
        return Jurisdiction.objects.filter(pk=roles.jurisdiction_id).first()
    if roles.is_staff and jurisdiction_id and str(jurisdiction_id).isdigit():
        return Jurisdiction.objects.filter(pk=int(jurisdiction_id)).first()
    return None


def staff_members() -> QuerySet[Any]:
    from gpl_cohort.accounts.models import User

    return User.objects.filter(is_staff=True, is_active=True).order_by("full_name")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive
    label: str

    @property
    def weeks(self) -> list[dt.date]:
        first = week_start_of(self.start)
        return [first + dt.timedelta(weeks=i) for i in range(((self.end - first).days + 6) // 7)]


def _latest_seat(jurisdiction: Jurisdiction) -> CohortMembership | None:
    return (
        CohortMembership.objects.filter(jurisdiction=jurisdiction)
        .exclude(status=CohortMembership.Status.WITHDRAWN)
        .select_related("cohort")
        .order_by("-cohort__starts_on")
        .first()
    )


def cohort_ended_notice(jurisdiction: Jurisdiction, *, today: dt.date) -> str:
    """A warning for whoever logs hours when the jurisdiction's latest cohort year is over
    ("" while it runs, or when the jurisdiction never had a seat)."""
    membership = _latest_seat(jurisdiction)
    if membership is None:
        return ""
    cohort = membership.cohort
    end = add_months(cohort.starts_on, cohort.length_months)
    if today < end:
        return ""
    last_day = end - dt.timedelta(days=1)
    return (
        f"{jurisdiction.name}'s cohort year ({cohort}) ended on {last_day:%B} {last_day.day}, "
        f"{last_day.year}. Hours logged now fall outside any cohort year and are not counted "
        "toward its commitments: check with program staff before logging."
    )


def cohort_year_of(jurisdiction: Jurisdiction, *, today: dt.date) -> Period:
    """The cohort year of the jurisdiction's latest seat, or the last 52 weeks without one."""
    membership = _latest_seat(jurisdiction)
    if membership is not None:
        cohort = membership.cohort
        return Period(
            cohort.starts_on, add_months(cohort.starts_on, cohort.length_months), str(cohort)
        )
    return Period(
        week_start_of(today) - dt.timedelta(weeks=51), today + dt.timedelta(days=1), "last 52 weeks"
    )


def _by_kind() -> dict[str, Any]:
    return {
        "one_on_one": Sum("duration_minutes", filter=Q(kind=K.ONE_ON_ONE), default=0),
        "group": Sum("duration_minutes", filter=Q(kind=K.GROUP_CALL), default=0),
        "independent": Sum("duration_minutes", filter=Q(kind=K.INDEPENDENT), default=0),
    }


@dataclass
class Commitments:
    """This week's and this month's hours against the program's commitments."""

    week_start: dt.date
    month_start: dt.date
    week: dict[str, int]
    month: dict[str, int]
    ceiling_hours: Decimal
    group_min_hours: Decimal
    group_max_hours: Decimal
    messages: list[str] = field(default_factory=list)

    @property
    def one_on_one_hours(self) -> float:
        return self.week["one_on_one"] / 60

    @property
    def over_ceiling(self) -> bool:
        return self.week["one_on_one"] > self.ceiling_hours * 60

    @property
    def group_hours(self) -> float:
        return self.month["group"] / 60


def week_commitments_day(monday: dt.date, *, today: dt.date) -> dt.date:
    """The day whose month the week grid's group-learning card counts: today when the week
    holds it (so the grid and the overview agree), else the week's Thursday, whose month holds
    most of the week (the ISO rule)."""
    if monday <= today < monday + dt.timedelta(days=7):
        return today
    return monday + dt.timedelta(days=3)


def commitments_for(*, jurisdiction: Jurisdiction, day: dt.date) -> Commitments:
    """Totals of the week and the month holding `day` (both computed in the database)."""
    config = CoachingSettings.load()
    week = week_start_of(day)
    month = day.replace(day=1)
    logs = CoachingLog.objects.counted().filter(jurisdiction=jurisdiction)
    week_totals = logs.filter(week_start=week).aggregate(**_by_kind())
    month_totals = logs.filter(date__gte=month, date__lt=add_months(month, 1)).aggregate(
        **_by_kind()
    )
    result = Commitments(
        week_start=week,
        month_start=month,
        week=week_totals,
        month=month_totals,
        ceiling_hours=config.one_on_one_hours_per_week,
        group_min_hours=config.group_hours_per_month_min,
        group_max_hours=config.group_hours_per_month_max,
    )
    if result.over_ceiling:
        ceiling = float(config.one_on_one_hours_per_week)
        result.messages.append(
            f"{_hours(week_totals['one_on_one'])} of 1:1 coaching in the week of "
            f"{week:%b} {week.day}: above the {ceiling:g}-hour weekly "
            "commitment. It is saved; please check with your coach."
        )
    return result


def _hours(minutes: int) -> str:
    hours = minutes / 60
    return f"{hours:g} hour" + ("" if hours == 1 else "s")


def month_totals(*, jurisdiction: Jurisdiction, period: Period) -> list[dict[str, Any]]:
    # Mappings: django-stubs types the rows without the keys of annotate(**_by_kind()).
    rows: Iterable[Mapping[str, Any]] = (
        CoachingLog.objects.counted()
        .filter(jurisdiction=jurisdiction, date__gte=period.start, date__lt=period.end)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(**_by_kind())
        .order_by("month")
    )
    return [
        {
            **row,
            **{f"{kind}_hours": row[kind] / 60 for kind in ("one_on_one", "group", "independent")},
        }
        for row in rows
    ]


def weekly_chart(*, jurisdiction_ids: list[int] | None, period: Period) -> dict[str, Any]:
    """Hours per week by workstream over a period, for a Plotly stacked bar chart."""
    logs = (
        CoachingLog.objects.counted().filter(date__gte=period.start, date__lt=period.end).order_by()
    )
    if jurisdiction_ids is not None:
        logs = logs.filter(jurisdiction_id__in=jurisdiction_ids)
    rows = logs.values("week_start", "workstream").annotate(minutes=Sum("duration_minutes"))
    weeks = period.weeks
    index = {week: i for i, week in enumerate(weeks)}
    series = {ws: [0.0] * len(weeks) for ws in Workstream.values}
    for row in rows:
        i = index.get(row["week_start"])
        if i is not None:
            series[row["workstream"]][i] += row["minutes"] / 60
    labels = dict(Workstream.choices)
    return {
        "weeks": [week.isoformat() for week in weeks],
        "series": [
            {"name": labels[ws], "hours": [round(h, 2) for h in values]}
            for ws, values in series.items()
            if any(values)
        ],
        "title": f"Hours per week by workstream, {period.label}",
    }


def overdue_deliverables(user: RequestUser, *, now: dt.datetime | None = None) -> list[Deliverable]:
    """Deliverables past their due date (in their jurisdiction's time zone) and not done."""
    now = now or timezone.now()
    latest_today = (now + dt.timedelta(days=1)).date()
    candidates = (
        deliverables_visible_to(user)
        .filter(due_on__lt=latest_today)
        .exclude(status=Deliverable.Status.DONE)
    )
    return [d for d in candidates if d.due_on < local_today(d.jurisdiction, now=now)]


@dataclass
class DashboardRow:
    jurisdiction: Jurisdiction
    membership_status: str
    today: dt.date
    week_one_on_one: int = 0
    four_weeks_one_on_one: int = 0
    year: Mapping[str, int] = field(default_factory=dict)
    last_logged_on: dt.date | None = None
    overdue: int = 0
    quiet: bool = False
    over_ceiling: bool = False


def staff_dashboard(*, cohort: Cohort, now: dt.datetime | None = None) -> dict[str, Any]:
    """Every seat of a cohort with its coaching totals, in a fixed number of queries.

    Each jurisdiction's "this week" depends on its own time zone, so the database groups
    minutes by (jurisdiction, stored week) for the last few weeks and Python only picks each
    jurisdiction's row; every sum and count is computed by the database.
    """
    now = now or timezone.now()
    config = CoachingSettings.load()
    period = Period(
        cohort.starts_on, add_months(cohort.starts_on, cohort.length_months), str(cohort)
    )
    memberships = list(
        CohortMembership.objects.filter(cohort=cohort)
        .exclude(status=CohortMembership.Status.WITHDRAWN)
        .select_related("jurisdiction")
        .order_by("jurisdiction__name")
    )
    ids = [m.jurisdiction_id for m in memberships]
    todays = {m.jurisdiction_id: local_today(m.jurisdiction, now=now) for m in memberships}
    earliest_week = week_start_of(min(todays.values(), default=now.date())) - dt.timedelta(weeks=4)
    # Totals only: no ordering to compile (the model's default order means nothing here).
    counted = CoachingLog.objects.counted().filter(jurisdiction_id__in=ids).order_by()

    recent = (
        counted.filter(week_start__gte=earliest_week, kind=K.ONE_ON_ONE)
        .values("jurisdiction_id", "week_start")
        .annotate(minutes=Sum("duration_minutes"))
    )
    weekly: dict[tuple[int, dt.date], int] = {
        (r["jurisdiction_id"], r["week_start"]): r["minutes"] for r in recent
    }
    # Mappings: django-stubs types the rows without the keys of annotate(**_by_kind()).
    year: dict[int, Mapping[str, Any]] = {
        r["jurisdiction_id"]: r
        for r in counted.filter(date__gte=period.start, date__lt=period.end)
        .values("jurisdiction_id")
        .annotate(**_by_kind())
    }
    last = dict(
        CoachingLog.objects.filter(jurisdiction_id__in=ids)
        .order_by()
        .values("jurisdiction_id")
        .annotate(last=Max("date"))
        .values_list("jurisdiction_id", "last")
    )
    overdue_rows = (
        Deliverable.objects.filter(jurisdiction_id__in=ids)
        .exclude(status=Deliverable.Status.DONE)
        .filter(due_on__lte=max(todays.values(), default=now.date()))
        .values("jurisdiction_id", "due_on")
        .annotate(n=Count("pk"))
    )
    overdue: dict[int, int] = {}
    for r in overdue_rows:
        if r["due_on"] < todays[r["jurisdiction_id"]]:
            overdue[r["jurisdiction_id"]] = overdue.get(r["jurisdiction_id"], 0) + r["n"]

    ceiling = int(config.one_on_one_hours_per_week * 60)
    quiet_after = dt.timedelta(weeks=config.quiet_weeks_flag)
    rows = []
    for m in memberships:
        jid, today = m.jurisdiction_id, todays[m.jurisdiction_id]
        this_week = week_start_of(today)
        row = DashboardRow(
            jurisdiction=m.jurisdiction, membership_status=m.get_status_display(), today=today
        )
        row.week_one_on_one = weekly.get((jid, this_week), 0)
        row.four_weeks_one_on_one = sum(
            weekly.get((jid, this_week - dt.timedelta(weeks=i)), 0) for i in range(4)
        )
        row.year = year.get(jid, {"one_on_one": 0, "group": 0, "independent": 0})
        row.last_logged_on = last.get(jid)
        row.overdue = overdue.get(jid, 0)
        # Only a running cohort year can go quiet; a finished year is history.
        running = period.start <= today < period.end
        row.quiet = running and (
            row.last_logged_on is None or row.last_logged_on <= today - quiet_after
        )
        row.over_ceiling = row.week_one_on_one > ceiling
        rows.append(row)
    return {
        "rows": rows,
        "period": period,
        "chart": weekly_chart(jurisdiction_ids=ids, period=period),
        "quiet": [r for r in rows if r.quiet],
        "quiet_weeks": config.quiet_weeks_flag,
        "ceiling_hours": config.one_on_one_hours_per_week,
    }
