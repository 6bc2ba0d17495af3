"""The main navigation: each role's links, the current page marked, changes shown at once."""

import pytest
from django.contrib.auth.models import Permission

from tests.accounts.factories import UserFactory
from tests.community.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_navigation_of_one_role_never_appears_for_another(
    staff_client, practitioner_client, contact_a_client
):
    for _ in range(2):  # a second round of pages answers as the first did
        staff = staff_client.get("/home/").content.decode()
        practitioner = practitioner_client.get("/home/").content.decode()
        contact = contact_a_client.get("/home/").content.decode()
        assert "Administration" in staff and "Administration" not in practitioner
        assert "Log this week" in contact and "Log this week" not in staff + practitioner
        assert "Community sessions" in practitioner and "Community sessions" not in contact


def test_the_current_page_is_marked_in_the_navigation(practitioner_client):
    home = practitioner_client.get("/home/").content.decode()
    sessions = practitioner_client.get("/community/sessions/").content.decode()
    assert 'active" aria-current="page" href="/home/"' in home
    assert 'active" aria-current="page" href="/home/"' not in sessions
    assert 'nav-link active" href="/community/sessions/"' in sessions


def test_a_member_approved_sees_the_community_link_on_their_next_page(client):
    membership = MembershipFactory(status="pending")
    client.force_login(membership.user)
    assert "Community sessions" not in client.get("/home/").content.decode()

    membership.status = "approved"
    membership.save()
    assert "Community sessions" in client.get("/home/").content.decode()


def test_a_resource_permission_granted_shows_the_resources_link_on_the_next_page(client):
    person = UserFactory()
    client.force_login(person)
    assert "/jurisdictions/resources/" not in client.get("/home/").content.decode()

    person.user_permissions.add(Permission.objects.get(codename="view_resource"))
    assert "/jurisdictions/resources/" in client.get("/home/").content.decode()


def test_a_contact_moved_to_another_jurisdiction_gets_the_link_to_their_new_one(
    contact_a, jurisdiction_b, client
):
    client.force_login(contact_a)
    assert f"/jurisdictions/{contact_a.contact_jurisdiction_id}/" in (
        client.get("/home/").content.decode()
    )

    contact_a.contact_jurisdiction = jurisdiction_b
    contact_a.save()
    page = client.get("/home/").content.decode()
    assert f"/jurisdictions/{jurisdiction_b.pk}/" in page


def test_a_renamed_or_deactivated_person_is_seen_so_on_their_next_page(client):
    """The session's person is kept in the cache (accounts.session_user): a save drops it."""
    person = MembershipFactory(user__full_name="Robin Before").user
    client.force_login(person)
    assert ">Robin<" in client.get("/home/").content.decode()

    person.full_name = "Casey After"
    person.save()
    page = client.get("/home/").content.decode()
    assert ">Casey<" in page and ">Robin<" not in page

    person.is_active = False
    person.save()
    assert client.get("/home/").status_code == 302  # logged out: sent to log in


def test_a_person_added_to_an_application_gets_my_applications_on_their_next_page(client):
    from tests.applications.factories import ApplicationContactFactory

    person = UserFactory()
    client.force_login(person)
    assert "My applications" not in client.get("/home/").content.decode()

    contact = ApplicationContactFactory(user=person)
    assert "My applications" in client.get("/home/").content.decode()

    contact.delete()
    assert "My applications" not in client.get("/home/").content.decode()
