import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_contact_sees_their_own_jurisdiction_page(contact_a_client, jurisdiction_a):
    response = contact_a_client.get(reverse("jurisdictions:detail", args=[jurisdiction_a.pk]))
    assert response.status_code == 200
    assert "Durham" in response.content.decode()


def test_a_contact_cannot_see_another_jurisdictions_page(contact_a_client, jurisdiction_b):
    response = contact_a_client.get(reverse("jurisdictions:detail", args=[jurisdiction_b.pk]))
    assert response.status_code == 404


def test_a_practitioner_cannot_see_a_jurisdiction_page(practitioner_client, jurisdiction_a):
    response = practitioner_client.get(reverse("jurisdictions:detail", args=[jurisdiction_a.pk]))
    assert response.status_code == 404


def test_staff_see_every_jurisdiction_page(staff_client, jurisdiction_a, jurisdiction_b):
    for jurisdiction in (jurisdiction_a, jurisdiction_b):
        response = staff_client.get(reverse("jurisdictions:detail", args=[jurisdiction.pk]))
        assert response.status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in_from_a_jurisdiction_page(client, jurisdiction_a):
    response = client.get(reverse("jurisdictions:detail", args=[jurisdiction_a.pk]))
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_the_api_lists_only_the_contacts_own_jurisdiction(
    contact_a_client, jurisdiction_a, jurisdiction_b
):
    response = contact_a_client.get("/api/v1/jurisdictions/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [jurisdiction_a.pk]


def test_the_api_hides_another_jurisdiction_from_a_contact(contact_a_client, jurisdiction_b):
    assert contact_a_client.get(f"/api/v1/jurisdictions/{jurisdiction_b.pk}/").status_code == 404
    response = contact_a_client.patch(
        f"/api/v1/jurisdictions/{jurisdiction_b.pk}/",
        {"population": 1},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_contact_may_update_their_own_jurisdiction_through_the_api(
    contact_a_client, jurisdiction_a
):
    response = contact_a_client.patch(
        f"/api/v1/jurisdictions/{jurisdiction_a.pk}/",
        {"population": 290000},
        content_type="application/json",
    )
    assert response.status_code == 200
    jurisdiction_a.refresh_from_db()
    assert jurisdiction_a.population == 290000


def test_a_bad_value_in_the_api_gets_a_clear_answer(contact_a_client, jurisdiction_a):
    response = contact_a_client.patch(
        f"/api/v1/jurisdictions/{jurisdiction_a.pk}/",
        {"time_zone": "Mars/Olympus"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "time zone" in str(response.json()["time_zone"])


def test_the_api_refuses_an_anonymous_visitor(client, jurisdiction_a):
    assert client.get("/api/v1/jurisdictions/").status_code in (401, 403)


def test_staff_list_every_jurisdiction_through_the_api_in_few_queries(
    staff_client, django_assert_max_num_queries
):
    from tests.jurisdictions.factories import JurisdictionFactory, ResponseTeamFactory

    for _ in range(30):
        ResponseTeamFactory(jurisdiction=JurisdictionFactory())
    with django_assert_max_num_queries(8):
        response = staff_client.get("/api/v1/jurisdictions/")
    assert response.json()["count"] == 30


def test_token_authentication_works_with_an_email_and_password(client, contact_a, password):
    response = client.post(
        "/api/v1/auth/token/", {"username": contact_a.email, "password": password}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["roles"] == ["Jurisdiction contact"]
