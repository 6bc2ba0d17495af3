import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from cohorts.models import Cohort, CohortMembership
from community.models import Membership
from gpl_cohort.accounts.models import User
from gpl_cohort.dates import add_months
from jurisdictions.models import ResponseTeam
from jurisdictions.selectors import teams_launched_from_911

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_inaugural_cohort_once_even_when_run_twice(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    inaugural = Cohort.objects.get(slug="2021-2022")
    assert inaugural.starts_on.isoformat() == "2021-09-01"
    members = CohortMembership.objects.filter(cohort=inaugural)
    assert sorted(m.jurisdiction.name for m in members) == [
        "Durham", "Harris County", "Long Beach", "Philadelphia", "Phoenix",
    ]  # fmt: skip
    assert teams_launched_from_911(cohort_id=inaugural.pk) == {"launched": 3, "members": 5}
    assert ResponseTeam.objects.count() == 5
    assert Membership.objects.filter(status="approved").count() > 60
    assert User.objects.filter(is_staff=True).count() == 2
    assert "contact@durham.example" in capsys.readouterr().out


SEEDED = "jurisdictions,accounts,applications,community,coaching"


def _current_cohort_checks(today: dt.date) -> None:
    """What a newcomer opening the demo on `today` finds: live work, not history."""
    from django.utils import timezone

    from coaching.models import CoachingLog, Deliverable
    from cohorts.selectors import cohorts_open
    from community.models import Session
    from jurisdictions.selectors import cohorts_with_seats_pick

    _, current = cohorts_with_seats_pick(None, today=today)
    first_of_month = today.replace(day=1)
    assert current.starts_on == add_months(first_of_month, -3), "in its fourth month"
    assert current.starts_on <= today < add_months(current.starts_on, current.length_months)
    seats = CohortMembership.objects.filter(cohort=current, status="enrolled")
    assert {"Durham", "Phoenix"} <= {m.jurisdiction.name for m in seats}
    assert all(m.mou.status == "countersigned" for m in seats)
    open_cohort = cohorts_open(now=timezone.now()).get()
    assert open_cohort.starts_on == add_months(current.starts_on, 12)
    assert Session.objects.filter(kind="community", starts_at__gt=timezone.now()).exists()
    webinar = Session.objects.filter(kind="webinar", starts_at__gt=timezone.now()).get()
    assert open_cohort.name in webinar.title
    durham = CohortMembership.objects.get(cohort=current, jurisdiction__name="Durham")
    recent = CoachingLog.objects.filter(
        jurisdiction=durham.jurisdiction, date__gt=today - dt.timedelta(days=8), date__lte=today
    )
    assert recent.exists(), "coaching activity this past week"
    assert not CoachingLog.objects.filter(date__gt=today).exists()
    overdue = Deliverable.objects.exclude(status="done").filter(due_on__lt=today)
    assert overdue.exists()
    assert all(d.due_on > today - dt.timedelta(days=30) for d in overdue), "late, not stale"
    # bench/load.py logs hours as the demo contacts and registers for a future session.
    assert User.objects.filter(contact_jurisdiction__isnull=False).count() >= 2


def test_seed_demo_on_two_days_a_year_apart_shows_a_current_cohort_each_time():
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", "--quiet-logins", "--only", SEEDED)
        _current_cohort_checks(dt.date(2026, 12, 3))
        assert Cohort.objects.get(slug="2026-2027").starts_on == dt.date(2026, 9, 1)
    with time_machine.travel(dt.datetime(2027, 12, 10, 15, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", "--quiet-logins", "--only", SEEDED)
        counts = _counts()
        call_command("seed_demo", "--quiet-logins", "--only", SEEDED)
        assert _counts() == counts, "seed_demo is idempotent"
        _current_cohort_checks(dt.date(2027, 12, 10))
        # Last year's open cohort is this year's current one; the inaugural is history.
        assert Cohort.objects.get(slug="2027-2028").starts_on == dt.date(2027, 9, 1)
        assert Cohort.objects.get(slug="2021-2022").starts_on == dt.date(2021, 9, 1)


def _counts() -> dict[str, int]:
    from coaching.models import CoachingLog, Deliverable
    from community.models import Registration, Session
    from jurisdictions.models import MoU

    return {
        model.__name__: model.objects.count()
        for model in (
            Cohort,
            CohortMembership,
            CoachingLog,
            Deliverable,
            Session,
            Registration,
            MoU,
        )
    }
