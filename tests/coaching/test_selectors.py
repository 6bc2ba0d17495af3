"""Weekly and monthly totals across time zones, week boundaries and DST changes."""

import datetime as dt

import pytest
import time_machine

from coaching import selectors, services
from coaching.models import CoachingLog, Deliverable
from tests.coaching.factories import CoachingLogFactory, DeliverableFactory
from tests.cohorts.factories import CohortFactory, CohortMembershipFactory
from tests.jurisdictions.factories import JurisdictionFactory

pytestmark = pytest.mark.django_db

K = CoachingLog.Kind


def _at(text: str):
    return time_machine.travel(dt.datetime.fromisoformat(text), tick=False)


def test_sunday_evening_in_new_york_is_still_last_week_after_utc_midnight(jurisdiction_a):
    # 2021-11-08 03:30 UTC is Sunday Nov 7, 22:30 in New York, the night DST ended.
    with _at("2021-11-08T03:30:00+00:00"):
        assert services.local_today(jurisdiction_a) == dt.date(2021, 11, 7)
        commitments = selectors.commitments_for(
            jurisdiction=jurisdiction_a, day=services.local_today(jurisdiction_a)
        )
    assert commitments.week_start == dt.date(2021, 11, 1)


def test_phoenix_without_dst_and_new_york_see_different_todays_at_the_same_instant(
    jurisdiction_a, jurisdiction_b
):
    with _at("2022-03-14T04:30:00+00:00"):  # New York: Mon 00:30 EDT; Phoenix: Sun 21:30 MST
        assert services.local_today(jurisdiction_a) == dt.date(2022, 3, 14)
        assert services.local_today(jurisdiction_b) == dt.date(2022, 3, 13)


def test_a_week_that_holds_the_dst_change_adds_up_all_seven_days(jurisdiction_a, staff_user):
    # The week of 2021-11-01 has 169 hours in New York (clocks go back on Sun Nov 7).
    for day in range(1, 8):
        CoachingLogFactory(
            jurisdiction=jurisdiction_a,
            date=dt.date(2021, 11, day),
            duration_minutes=30,
            kind=K.ONE_ON_ONE,
        )
    CoachingLogFactory(jurisdiction=jurisdiction_a, date=dt.date(2021, 11, 8), duration_minutes=45)
    CoachingLogFactory(jurisdiction=jurisdiction_a, date=dt.date(2021, 10, 31), duration_minutes=15)
    week = selectors.commitments_for(jurisdiction=jurisdiction_a, day=dt.date(2021, 11, 7))
    assert week.week["one_on_one"] == 7 * 30
    next_week = selectors.commitments_for(jurisdiction=jurisdiction_a, day=dt.date(2021, 11, 8))
    assert next_week.week["one_on_one"] == 45


def test_the_spring_forward_week_is_bucketed_by_local_date(jurisdiction_a):
    # Clocks go forward on Sun 2022-03-13: that Sunday belongs to the week of Mar 7.
    CoachingLogFactory(jurisdiction=jurisdiction_a, date=dt.date(2022, 3, 13), duration_minutes=120)
    CoachingLogFactory(jurisdiction=jurisdiction_a, date=dt.date(2022, 3, 14), duration_minutes=60)
    period = selectors.Period(dt.date(2022, 3, 1), dt.date(2022, 3, 31), "March")
    chart = selectors.weekly_chart(jurisdiction_ids=[jurisdiction_a.pk], period=period)
    hours = dict(zip(chart["weeks"], chart["series"][0]["hours"], strict=True))
    assert hours["2022-03-07"] == 2.0
    assert hours["2022-03-14"] == 1.0


def test_more_than_four_hours_of_1_1_in_a_week_is_a_warning(jurisdiction_a):
    CoachingLogFactory(jurisdiction=jurisdiction_a, date=dt.date(2021, 10, 4), duration_minutes=180)
    CoachingLogFactory(jurisdiction=jurisdiction_a, date=dt.date(2021, 10, 10), duration_minutes=75)
    CoachingLogFactory(
        jurisdiction=jurisdiction_a,
        date=dt.date(2021, 10, 6),
        duration_minutes=120,
        kind=K.INDEPENDENT,
    )
    result = selectors.commitments_for(jurisdiction=jurisdiction_a, day=dt.date(2021, 10, 6))
    assert result.over_ceiling
    assert "4.25 hours of 1:1 coaching" in result.messages[0]
    assert "above the 4-hour weekly commitment" in result.messages[0]


def test_exactly_four_hours_is_no_warning(jurisdiction_a):
    CoachingLogFactory(jurisdiction=jurisdiction_a, date=dt.date(2021, 10, 4), duration_minutes=240)
    result = selectors.commitments_for(jurisdiction=jurisdiction_a, day=dt.date(2021, 10, 4))
    assert not result.over_ceiling and result.messages == []


def test_group_learning_is_totalled_per_calendar_month(jurisdiction_a):
    for day, minutes in [(dt.date(2021, 10, 31), 60), (dt.date(2021, 11, 1), 90)]:
        CoachingLogFactory(
            jurisdiction=jurisdiction_a, date=day, duration_minutes=minutes, kind=K.GROUP_CALL
        )
    october = selectors.commitments_for(jurisdiction=jurisdiction_a, day=dt.date(2021, 10, 15))
    november = selectors.commitments_for(jurisdiction=jurisdiction_a, day=dt.date(2021, 11, 15))
    assert october.group_hours == 1.0
    assert november.group_hours == 1.5
    period = selectors.Period(dt.date(2021, 9, 1), dt.date(2022, 9, 1), "year")
    months = selectors.month_totals(jurisdiction=jurisdiction_a, period=period)
    assert [(m["month"], m["group_hours"]) for m in months] == [
        (dt.date(2021, 10, 1), 1.0),
        (dt.date(2021, 11, 1), 1.5),
    ]


def test_the_cohort_year_runs_from_the_cohorts_start_for_its_length(jurisdiction_a):
    cohort = CohortFactory(starts_on=dt.date(2021, 9, 1), length_months=12)
    CohortMembershipFactory(cohort=cohort, jurisdiction=jurisdiction_a)
    period = selectors.cohort_year_of(jurisdiction_a, today=dt.date(2021, 10, 1))
    assert (period.start, period.end) == (dt.date(2021, 9, 1), dt.date(2022, 9, 1))
    assert period.weeks[0] == dt.date(2021, 8, 30)
    assert period.weeks[-1] == dt.date(2022, 8, 29)


def test_the_staff_dashboard_uses_each_jurisdictions_own_week_and_flags_quiet_ones(staff_user):
    cohort = CohortFactory(starts_on=dt.date(2021, 9, 1))
    east = JurisdictionFactory(name="East", time_zone="America/New_York")
    west = JurisdictionFactory(name="West", time_zone="America/Los_Angeles")
    quiet = JurisdictionFactory(name="Quiet", time_zone="America/Chicago")
    for j in (east, west, quiet):
        CohortMembershipFactory(cohort=cohort, jurisdiction=j)
    # Monday 2021-11-08 05:30 UTC: Monday 00:30 in New York, still Sunday 21:30 in Los Angeles.
    CoachingLogFactory(jurisdiction=east, date=dt.date(2021, 11, 8), duration_minutes=60)
    CoachingLogFactory(jurisdiction=west, date=dt.date(2021, 11, 7), duration_minutes=300)
    CoachingLogFactory(jurisdiction=quiet, date=dt.date(2021, 10, 24), duration_minutes=60)
    DeliverableFactory(jurisdiction=west, due_on=dt.date(2021, 11, 7))  # due today in LA
    DeliverableFactory(jurisdiction=east, due_on=dt.date(2021, 11, 7))  # due yesterday in NY
    DeliverableFactory(
        jurisdiction=east, due_on=dt.date(2021, 11, 1), status=Deliverable.Status.DONE
    )
    board = selectors.staff_dashboard(
        cohort=cohort, now=dt.datetime(2021, 11, 8, 5, 30, tzinfo=dt.UTC)
    )
    rows = {row.jurisdiction.name: row for row in board["rows"]}
    assert rows["East"].week_one_on_one == 60
    assert rows["West"].week_one_on_one == 300 and rows["West"].over_ceiling
    assert rows["East"].overdue == 1 and rows["West"].overdue == 0
    assert [r.jurisdiction.name for r in board["quiet"]] == ["Quiet"]
    assert rows["Quiet"].last_logged_on == dt.date(2021, 10, 24)


def test_overdue_deliverables_follow_the_jurisdictions_clock(contact_b, jurisdiction_b):
    DeliverableFactory(jurisdiction=jurisdiction_b, due_on=dt.date(2021, 11, 7))
    # 06:30 UTC on Nov 8 is 23:30 on Nov 7 in Phoenix: not overdue yet; an hour later it is.
    assert (
        selectors.overdue_deliverables(
            contact_b, now=dt.datetime(2021, 11, 8, 6, 30, tzinfo=dt.UTC)
        )
        == []
    )
    assert (
        len(
            selectors.overdue_deliverables(
                contact_b, now=dt.datetime(2021, 11, 8, 7, 30, tzinfo=dt.UTC)
            )
        )
        == 1
    )
