import pytest

from tests.cohorts.factories import CohortMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["cohort", "cohortmembership"])
def test_the_cohort_and_seat_admin_pages_render_for_staff(staff_client, model):
    seat = CohortMembershipFactory()
    obj = seat if model == "cohortmembership" else seat.cohort
    assert staff_client.get(f"/admin/cohorts/{model}/").status_code == 200
    assert staff_client.get(f"/admin/cohorts/{model}/add/").status_code == 200
    assert staff_client.get(f"/admin/cohorts/{model}/{obj.pk}/change/").status_code == 200


def test_a_jurisdiction_contact_gets_no_seat_admin(contact_a_client):
    assert contact_a_client.get("/admin/cohorts/cohortmembership/").status_code == 302
