import pytest

from cohorts.models import CohortMembership
from jurisdictions.models import MoU
from tests.cohorts.factories import CohortMembershipFactory
from tests.jurisdictions.factories import MoUFactory, ResourceFactory, SupportLetterFactory

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


def test_the_mou_status_is_not_written_directly_through_the_api(staff_client, seat):
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


def test_staff_take_an_mou_step_through_the_api_and_it_is_logged(staff_client, seat):
    mou = MoUFactory(membership=seat)
    response = staff_client.post(
        f"/api/v1/mous/{mou.pk}/transition/",
        {"to_status": "sent", "note": "By the API"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "sent" and body["sent_at"]
    assert body["transitions"][0]["note"] == "By the API"


def test_the_api_refuses_a_step_with_the_workflows_reason(staff_client, contact_a_client, seat):
    mou = MoUFactory(membership=seat)
    url = f"/api/v1/mous/{mou.pk}/transition/"
    skipped = staff_client.post(
        url, {"to_status": "countersigned"}, content_type="application/json"
    )
    assert skipped.status_code == 400
    assert skipped.json()["detail"] == "An MoU that is “Drafted” cannot become “Countersigned”."
    theirs = contact_a_client.post(url, {"to_status": "sent"}, content_type="application/json")
    assert theirs.status_code == 403
    assert "“send to the jurisdiction”" in theirs.json()["detail"]
    MoU.objects.filter(pk=mou.pk).update(status=MoU.Status.SENT)
    unsigned = contact_a_client.post(url, {"to_status": "signed"}, content_type="application/json")
    assert unsigned.status_code == 400
    assert "Attach the signed MoU as a PDF." in unsigned.json()["detail"]
    assert not mou.transitions.exists()


def test_another_jurisdictions_contact_cannot_find_the_mou_to_step(contact_b_client, seat):
    mou = MoUFactory(membership=seat, status=MoU.Status.SENT)
    response = contact_b_client.post(
        f"/api/v1/mous/{mou.pk}/transition/",
        {"to_status": "signed"},
        content_type="application/json",
    )
    assert response.status_code == 404
