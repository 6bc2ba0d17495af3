import pytest

from applications.models import Application, Review
from applications.services import criteria_seed
from tests.applications.factories import CompleteApplicationFactory, with_contact
from tests.cohorts.factories import CohortFactory

pytestmark = pytest.mark.django_db
S = Application.Status


def test_cohorts_are_public(client):
    CohortFactory(slug="2031-2032")
    response = client.get("/api/v1/cohorts/")
    assert response.status_code == 200
    assert response.json()["results"][0]["slug"] == "2031-2032"
    assert client.get("/api/v1/cohorts/2031-2032/").json()["is_open"] is True


def test_staff_list_and_filter_every_application(staff_client, django_assert_max_num_queries):
    for _ in range(4):
        CompleteApplicationFactory(status=S.SUBMITTED)
    CompleteApplicationFactory(status=S.DRAFT)
    with django_assert_max_num_queries(6):
        response = staff_client.get("/api/v1/applications/?status=submitted")
    body = response.json()
    assert body["count"] == 4
    assert body["results"][0]["review_count"] == 0


def test_an_applicant_sees_only_their_own(contact_a_client, contact_a):
    mine = with_contact(CompleteApplicationFactory(), contact_a)
    other = CompleteApplicationFactory()
    ids = [a["id"] for a in contact_a_client.get("/api/v1/applications/").json()["results"]]
    assert ids == [mine.pk]
    assert contact_a_client.get(f"/api/v1/applications/{other.pk}/").status_code == 404
    assert contact_a_client.get(f"/api/v1/applications/{mine.pk}/").json()["mean_score"] is None


def test_anonymous_visitors_cannot_list_applications(client):
    assert client.get("/api/v1/applications/").status_code in (401, 403)


def test_staff_transition_through_the_api(staff_client):
    application = CompleteApplicationFactory(status=S.SUBMITTED)
    url = f"/api/v1/applications/{application.pk}/transition/"
    response = staff_client.post(
        url, {"to_status": "round1_review"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "round1_review"
    response = staff_client.post(url, {"to_status": "enrolled"}, content_type="application/json")
    assert response.status_code == 400 and "cannot move to" in response.json()["detail"]
    response = staff_client.post(url, {"to_status": "nonsense"}, content_type="application/json")
    assert response.status_code == 400
    assert application.transitions.count() == 1


def test_an_applicant_cannot_make_staff_transitions_through_the_api(contact_a_client, contact_a):
    application = with_contact(CompleteApplicationFactory(status=S.SUBMITTED), contact_a)
    response = contact_a_client.post(
        f"/api/v1/applications/{application.pk}/transition/",
        {"to_status": "round1_review"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_another_applicant_gets_404_on_transition(contact_b_client):
    application = CompleteApplicationFactory(status=S.SUBMITTED)
    response = contact_b_client.post(
        f"/api/v1/applications/{application.pk}/transition/",
        {"to_status": "withdrawn"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_reviews_through_the_api_are_blind_until_you_review(reviewer_client, staff_client):
    application = CompleteApplicationFactory(status=S.ROUND1_REVIEW)
    criteria = criteria_seed(cohort=application.cohort)
    payload = {
        "application": application.pk,
        "comment": "Solid",
        "scores": [{"criterion": c.pk, "score": 4} for c in criteria],
    }
    response = staff_client.post("/api/v1/reviews/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert reviewer_client.get("/api/v1/reviews/").json()["count"] == 0
    response = reviewer_client.post(
        "/api/v1/reviews/",
        {**payload, "scores": payload["scores"][:2]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "Missing" in str(response.json())
    reviewer_client.post("/api/v1/reviews/", payload, content_type="application/json")
    assert reviewer_client.get("/api/v1/reviews/").json()["count"] == 2
    assert Review.objects.count() == 2


def test_applicants_cannot_use_the_reviews_api(contact_a_client):
    assert contact_a_client.get("/api/v1/reviews/").status_code == 403


def test_the_schema_lists_the_applications_endpoints(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path in [
        "/api/v1/cohorts/",
        "/api/v1/applications/",
        "/api/v1/applications/{id}/transition/",
        "/api/v1/reviews/",
    ]:
        assert path in schema["paths"]
