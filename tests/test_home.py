import pytest
from django.urls import reverse

from tests.applications.factories import ApplicationFactory
from tests.community.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_staff_see_applications_by_status_and_upcoming_sessions(staff_client):
    ApplicationFactory.create_batch(3, status="submitted")
    SessionFactory(title="Outcome tracking in year one")
    page = staff_client.get(reverse("home")).content.decode()
    assert "Applications by status" in page
    assert "Submitted" in page
    assert "Outcome tracking in year one" in page
    assert "Administration" in page


def test_a_contact_sees_their_jurisdiction_on_the_home_page(contact_a_client):
    page = contact_a_client.get(reverse("home")).content.decode()
    assert "Durham, NC" in page
    assert "Applications by status" not in page
    assert "Administration" not in page


def test_a_practitioner_sees_the_next_sessions(practitioner_client):
    SessionFactory(title="Working with 911 and police")
    page = practitioner_client.get(reverse("home")).content.decode()
    assert "Working with 911 and police" in page
    assert "Applications by status" not in page


def test_the_landing_page_is_public(client):
    response = client.get(reverse("landing"))
    assert response.status_code == 200
    assert "Log in" in response.content.decode()


def test_the_home_page_refuses_a_post(staff_client):
    assert staff_client.post(reverse("landing")).status_code == 405


def test_the_admin_is_branded(staff_client):
    page = staff_client.get("/admin/").content.decode()
    assert "Cohort administration" in page


def test_the_admin_refuses_a_contact(contact_a_client):
    response = contact_a_client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
