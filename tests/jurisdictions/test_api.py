import pytest

from jurisdictions.models import CohortMembership, MoU
from tests.jurisdictions.factories import (
    CohortMembershipFactory,
    MoUFactory,
    ResourceFactory,
    SupportLetterFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seat(jurisdiction_a):
    return CohortMembershipFactory(
        jurisdiction=jurisdiction_a, status=CohortMembership.Status.SELECTED
    )


def test_a_contact_reads_their_mou_and_letters_and_not_anothers(
    contact_a_client, contact_b_client, seat
):
    mou = MoUFactory(membership=seat, status=MoU.Status.SENT)
    letter = SupportLetterFactory(membership=seat)
    body = contact_a_client.get(f"/api/v1/mous/{mou.pk}/").json()
    assert body["status"] == "sent" and body["jurisdiction"] == seat.jurisdiction_id
    assert contact_a_client.get("/api/v1/support-letters/").json()["count"] == 1
    assert contact_b_client.get(f"/api/v1/mous/{mou.pk}/").status_code == 404
    assert contact_b_client.get(f"/api/v1/support-letters/{letter.pk}/").status_code == 404
    assert contact_b_client.get("/api/v1/mous/").json()["count"] == 0


def test_the_mou_api_is_read_only(staff_client, seat):
    mou = MoUFactory(membership=seat)
    response = staff_client.patch(
        f"/api/v1/mous/{mou.pk}/", {"status": "countersigned"}, content_type="application/json"
    )
    assert response.status_code == 405


def test_the_library_api_searches_for_readers_only(practitioner_client, contact_b_client):
    ResourceFactory(title="RFP for a crisis provider", category="rfp")
    ResourceFactory(title="Evaluation plan")
    body = practitioner_client.get("/api/v1/resources/?search=crisis").json()
    assert [r["title"] for r in body["results"]] == ["RFP for a crisis provider"]
    assert contact_b_client.get("/api/v1/resources/").json()["count"] == 0
