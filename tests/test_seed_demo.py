import pytest
from django.core.management import call_command

from applications.models import Cohort
from community.models import Membership
from gpl_cohort.accounts.models import User
from jurisdictions.models import CohortMembership, ResponseTeam
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
