"""The landing page's offers, the log-in page's way to an account, the menu and the
practitioner's home page with its sessions to register for."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import Session
from tests.applications.factories import ApplicationFactory, with_contact
from tests.cohorts.factories import CohortFactory
from tests.community.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_the_landing_page_offers_the_open_cohort_the_webinar_the_community_and_the_newsletter(
    client,
):
    cohort = CohortFactory(name="2027–2028 Implementation Cohort")
    CohortFactory(
        opens_at=timezone.now() - dt.timedelta(days=400),
        closes_at=timezone.now() - dt.timedelta(days=300),
    )
    webinar = SessionFactory(kind=Session.Kind.WEBINAR, title="Informational webinar")
    page = client.get(reverse("landing")).content.decode()
    assert reverse("applications:cohort", args=[cohort.slug]) in page
    assert "2027–2028 Implementation Cohort" in page
    assert f'href="/community/webinars/{webinar.pk}/"' in page
    assert reverse("community:join") in page
    assert "Subscribe to the newsletter" in page
    assert "Log in" in page


def test_the_landing_page_says_so_when_no_cohort_is_open_and_no_webinar_is_planned(client):
    SessionFactory(kind=Session.Kind.WEBINAR, starts_at=timezone.now() - dt.timedelta(days=3))
    page = client.get(reverse("landing")).content.decode()
    assert "No cohort is taking applications right now" in page
    assert "The next informational webinar is not scheduled yet" in page


def test_the_landing_page_asks_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    CohortFactory()
    SessionFactory(kind=Session.Kind.WEBINAR)
    with django_assert_max_num_queries(4):
        client.get(reverse("landing"))


def test_starting_an_application_anonymously_leads_to_log_in_with_a_way_to_sign_up(client):
    cohort = CohortFactory()
    start = reverse("applications:start", args=[cohort.slug])
    response = client.get(start, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "Create an account" in page
    assert f'href="{reverse("applications:sign_up")}?next=/applications/cohorts/' in page


def test_signing_up_from_the_log_in_page_returns_to_the_application(client):
    cohort = CohortFactory()
    start = reverse("applications:start", args=[cohort.slug])
    response = client.post(
        f"{reverse('applications:sign_up')}?next={start}",
        {
            "email": "new.person@cityofexample.gov",
            "full_name": "New Person",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "next": start,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == start


def test_a_practitioner_without_applications_has_no_my_applications_in_the_menu(
    practitioner_client,
):
    page = practitioner_client.get(reverse("home")).content.decode()
    assert "My applications" not in page


def test_a_practitioner_with_an_application_finds_it_in_the_menu(practitioner, client):
    with_contact(ApplicationFactory(), practitioner)
    client.force_login(practitioner)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("applications:portal")}">My applications' in page


def test_the_practitioners_home_links_sessions_and_offers_to_register(practitioner_client):
    session = SessionFactory(title="Working with 911 and police")
    page = practitioner_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("community:session_detail", args=[session.pk])}"' in page
    assert f'action="{reverse("community:session_register", args=[session.pk])}"' in page
    assert "You are registered" not in page


def test_the_practitioners_home_says_which_sessions_they_are_registered_for(
    practitioner, practitioner_client
):
    mine = SessionFactory(title="Mine")
    RegistrationFactory(session=mine, user=practitioner)
    other = SessionFactory(title="Other", starts_at=mine.starts_at + dt.timedelta(days=30))
    page = practitioner_client.get(reverse("home")).content.decode()
    assert "You are registered" in page
    assert f'action="{reverse("community:session_register", args=[mine.pk])}"' not in page
    assert f'action="{reverse("community:session_register", args=[other.pk])}"' in page


def test_registering_from_the_home_page_takes_a_seat(practitioner, practitioner_client):
    session = SessionFactory()
    response = practitioner_client.post(
        reverse("community:session_register", args=[session.pk]), follow=True
    )
    assert "You are registered" in response.content.decode()
    page = practitioner_client.get(reverse("home")).content.decode()
    assert "You are registered" in page


def test_an_open_cohort_without_a_webinar_link_points_to_the_next_webinar(client):
    cohort = CohortFactory()
    webinar = SessionFactory(kind=Session.Kind.WEBINAR)
    page = client.get(reverse("applications:cohort", args=[cohort.slug])).content.decode()
    assert f'href="/community/webinars/{webinar.pk}/"' in page
    assert "Register for the webinar" in page


def test_a_closed_cohort_does_not_offer_the_next_cohorts_webinar(client):
    cohort = CohortFactory(
        opens_at=timezone.now() - dt.timedelta(days=400),
        closes_at=timezone.now() - dt.timedelta(days=300),
    )
    SessionFactory(kind=Session.Kind.WEBINAR)
    page = client.get(reverse("applications:cohort", args=[cohort.slug])).content.decode()
    assert "Register for the webinar" not in page
