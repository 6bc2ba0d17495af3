"""Default views open on the cohort running today; logging after a cohort's year warns."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from coaching.models import CoachingLog, Workstream
from tests.cohorts.factories import CohortFactory, CohortMembershipFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 3, 16, tzinfo=dt.UTC)  # a Thursday


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _cohort(starts_on: dt.date, name: str):
    return CohortFactory(
        name=name,
        slug=name.lower().replace(" ", "-"),
        opens_at=dt.datetime.combine(starts_on - dt.timedelta(days=150), dt.time(), tzinfo=dt.UTC),
        closes_at=dt.datetime.combine(starts_on - dt.timedelta(days=90), dt.time(), tzinfo=dt.UTC),
        starts_on=starts_on,
    )


def test_the_staff_dashboard_opens_on_the_cohort_running_today_not_the_newest(staff_client):
    history = _cohort(dt.date(2021, 9, 1), "Inaugural")
    current = _cohort(dt.date(2026, 9, 1), "Current")
    upcoming = _cohort(dt.date(2027, 9, 1), "Next")
    for cohort in (history, current, upcoming):
        CohortMembershipFactory(cohort=cohort)
    for url in (reverse("coaching:staff_dashboard"), reverse("jurisdictions:cohort_dashboard")):
        response = staff_client.get(url)
        assert response.status_code == 200
        assert response.context["cohort"] == current, url


def test_a_contact_whose_cohort_ended_is_warned_before_and_after_logging(
    contact_a_client, jurisdiction_a
):
    CohortMembershipFactory(
        cohort=_cohort(dt.date(2021, 9, 1), "Inaugural"), jurisdiction=jurisdiction_a
    )
    page = contact_a_client.get(reverse("coaching:week")).content.decode()
    assert "cohort year (Inaugural) ended on August 31, 2022" in page
    assert (
        "cohort year (Inaugural) ended"
        in contact_a_client.get(reverse("coaching:overview")).content.decode()
    )
    data = {"form-TOTAL_FORMS": "7", "form-INITIAL_FORMS": "0"}
    monday = dt.date(2026, 11, 30)
    for i in range(7):
        data[f"form-{i}-date"] = (monday + dt.timedelta(days=i)).isoformat()
    data |= {"form-1-duration": "1", "form-1-kind": CoachingLog.Kind.INDEPENDENT,
             "form-1-workstream": Workstream.HIRING}  # fmt: skip
    response = contact_a_client.post(reverse("coaching:week"), data, follow=True)
    assert CoachingLog.objects.filter(jurisdiction=jurisdiction_a).count() == 1
    assert "Hours logged now fall outside any cohort year" in response.content.decode()


def test_a_contact_in_a_running_cohort_is_not_warned(contact_a_client, jurisdiction_a):
    CohortMembershipFactory(
        cohort=_cohort(dt.date(2026, 9, 1), "Current"), jurisdiction=jurisdiction_a
    )
    page = contact_a_client.get(reverse("coaching:week")).content.decode()
    assert 'data-testid="cohort-ended"' not in page


def test_the_week_grid_and_the_overview_count_group_learning_in_the_same_month(
    contact_a_client, jurisdiction_a
):
    # Thursday December 3: its week starts on Monday November 30.
    week = contact_a_client.get(reverse("coaching:week")).content.decode()
    overview = contact_a_client.get(reverse("coaching:overview")).content.decode()
    assert "Cohort group learning, December 2026" in week
    assert "Cohort group learning, December 2026" in overview
    past = contact_a_client.get(reverse("coaching:week") + "?week=2026-06-29").content.decode()
    assert "Cohort group learning, July 2026" in past  # most of that week is in July


def test_recent_entries_show_the_year(contact_a, contact_a_client, jurisdiction_a):
    CoachingLog.objects.create(
        jurisdiction=jurisdiction_a, author=contact_a, side=CoachingLog.Side.JURISDICTION,
        date=dt.date(2026, 12, 1), duration_minutes=60, kind=CoachingLog.Kind.INDEPENDENT,
        workstream=Workstream.HIRING,
    )  # fmt: skip
    page = contact_a_client.get(reverse("coaching:overview")).content.decode()
    assert "Tue Dec 1, 2026" in page
