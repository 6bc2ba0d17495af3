"""The session pages (list, page, home panel): every change shows on the next request, and
nothing one member sees of their own registration ever reaches another member's page."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from community.models import Presenter, Registration, Topic
from community.services import registration_cancel, registration_create
from tests.community.factories import MembershipFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_b():
    return MembershipFactory(user__email="second@durhamnc.gov").user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages(client: Client, session) -> tuple[str, str, str]:
    return (
        client.get("/community/sessions/").content.decode(),
        client.get(f"/community/sessions/{session.pk}/").content.decode(),
        client.get("/home/").content.decode(),
    )


def test_a_changed_title_shows_at_once_on_the_list_the_session_page_and_home(practitioner):
    session = SessionFactory(title="Outcome tracking basics")
    client = _client(practitioner)
    assert all("Outcome tracking basics" in page for page in _pages(client, session))

    session.title = "Outcome tracking, second look"
    session.save()

    for page in _pages(client, session):
        assert "Outcome tracking, second look" in page
        assert "Outcome tracking basics" not in page


def test_a_moved_session_shows_its_new_time_and_a_deleted_one_disappears(practitioner):
    session = SessionFactory(title="Moving session")
    other = SessionFactory(title="Staying session")
    client = _client(practitioner)
    _pages(client, session)

    session.starts_at = timezone.now() + dt.timedelta(days=40)
    session.save()
    expected = timezone.localtime(session.starts_at, timezone.get_default_timezone())
    assert (
        expected.strftime("%B %Y")
        in client.get(f"/community/sessions/{session.pk}/").content.decode()
    )

    session.delete()
    listing = client.get("/community/sessions/").content.decode()
    assert "Moving session" not in listing and "Staying session" in listing
    assert client.get(f"/community/sessions/{session.pk}/").status_code == 404
    assert other.title in client.get("/home/").content.decode()


def test_presenters_and_staff_topics_show_at_once_on_the_session_page(practitioner):
    session = SessionFactory()
    client = _client(practitioner)
    client.get(f"/community/sessions/{session.pk}/")

    presenter = Presenter.objects.create(session=session, name="Dana Presenter", title="Director")
    assert (
        "Dana Presenter, Director"
        in client.get(f"/community/sessions/{session.pk}/").content.decode()
    )
    presenter.name = "Dana Renamed"
    presenter.save()
    assert "Dana Renamed" in client.get(f"/community/sessions/{session.pk}/").content.decode()

    topic = Topic.objects.create(name="Peer support lines")
    session.topic, session.staff_topic = session.Topic.OTHER, topic
    session.save()
    client.get("/community/sessions/")
    topic.name = "Peer support and warm lines"
    topic.save()
    assert "Peer support and warm lines" in client.get("/community/sessions/").content.decode()
    assert "Peer support and warm lines" in _pages(client, session)[1]


def test_a_presenters_renamed_jurisdiction_shows_at_once_on_the_session_page(practitioner):
    from tests.jurisdictions.factories import JurisdictionFactory

    jurisdiction = JurisdictionFactory(name="Olympia")
    session = SessionFactory()
    Presenter.objects.create(session=session, name="Sam Speaker", jurisdiction=jurisdiction)
    client = _client(practitioner)
    assert "Olympia" in client.get(f"/community/sessions/{session.pk}/").content.decode()

    jurisdiction.name = "Tumwater"
    jurisdiction.save()
    page = client.get(f"/community/sessions/{session.pk}/").content.decode()
    assert "Tumwater" in page and "Olympia" not in page


def test_seats_taken_follow_every_registration_and_cancellation_at_once(practitioner, member_b):
    session = SessionFactory(capacity=1)
    client = _client(practitioner)
    assert "0 of 1 seats taken" in client.get("/community/sessions/").content.decode()

    registration = registration_create(session=session, user=member_b)
    listing = client.get("/community/sessions/").content.decode()
    detail = client.get(f"/community/sessions/{session.pk}/").content.decode()
    assert "1 of 1 seats taken" in listing and "1 of 1 seats taken" in detail
    assert "Join the waitlist" in listing and "Join the waitlist" in detail

    registration_cancel(registration=registration)
    assert "0 of 1 seats taken" in client.get(f"/community/sessions/{session.pk}/").content.decode()


def test_one_members_registration_never_shows_on_another_members_pages(practitioner, member_b):
    session = SessionFactory(meeting_url="https://meet.example.org/secret-room")
    client_a, client_b = _client(practitioner), _client(member_b)
    # B's pages are rendered first, then A registers and reads theirs.
    _pages(client_b, session)
    client_a.post(f"/community/sessions/{session.pk}/register/")
    listing_a, detail_a, _ = _pages(client_a, session)
    listing_b, detail_b, _ = _pages(client_b, session)

    assert "Registered</span>" in listing_a and "You are registered." in detail_a
    assert "secret-room" in detail_a
    assert "Registered</span>" not in listing_b and "You are registered." not in detail_b
    assert "secret-room" not in detail_b
    assert "1 of 20 seats taken" in detail_b  # the shared count, not the person
    assert Registration.objects.get(session=session).email == practitioner.email


def test_a_cancelled_or_waitlisted_registration_shows_only_to_its_owner(practitioner, member_b):
    session = SessionFactory()
    RegistrationFactory(session=session, user=practitioner, status=Registration.Status.CANCELLED)
    RegistrationFactory(session=session, user=member_b, status=Registration.Status.WAITLISTED)
    detail_a = _client(practitioner).get(f"/community/sessions/{session.pk}/").content.decode()
    detail_b = _client(member_b).get(f"/community/sessions/{session.pk}/").content.decode()
    assert "You cancelled your registration." in detail_a and "waitlist. We" not in detail_a
    assert "You are on the waitlist." in detail_b and "You cancelled" not in detail_b


def test_times_are_shown_in_each_members_time_zone(practitioner, member_b):
    session = SessionFactory(
        starts_at=timezone.now().replace(hour=18, minute=0) + dt.timedelta(days=3)
    )
    practitioner.time_zone, member_b.time_zone = "America/New_York", "America/Los_Angeles"
    practitioner.save()
    member_b.save()
    east = _client(practitioner).get(f"/community/sessions/{session.pk}/").content.decode()
    west = _client(member_b).get(f"/community/sessions/{session.pk}/").content.decode()
    assert " E" in east.split('data-testid="when"')[1][:80]  # EST/EDT
    assert " P" in west.split('data-testid="when"')[1][:80]  # PST/PDT


def test_a_started_session_leaves_home_at_once_and_the_list_three_hours_later(practitioner):
    session = SessionFactory(title="Starting soon")
    client = _client(practitioner)
    assert all("Starting soon" in page for page in _pages(client, session))

    with time_machine.travel(session.starts_at + dt.timedelta(minutes=1)):
        client.force_login(practitioner)  # the log-in of before may have expired by then
        assert "Starting soon" in client.get("/community/sessions/").content.decode()
        assert "Starting soon" not in client.get("/home/").content.decode()
    with time_machine.travel(session.starts_at + dt.timedelta(hours=3, minutes=1)):
        client.force_login(practitioner)
        assert "Starting soon" not in client.get("/community/sessions/").content.decode()


def test_the_session_pages_cost_a_fixed_number_of_queries_however_many_sessions(
    practitioner, django_assert_max_num_queries
):
    sessions = [SessionFactory() for _ in range(5)]
    for session in sessions:
        RegistrationFactory(session=session, user=practitioner)
        Presenter.objects.create(session=session, name="Dana Presenter")
    client = _client(practitioner)
    # The login session, its user (with their feed token), the sessions with their seats
    # taken, the member's registrations; a session's page adds its presenters.
    with django_assert_max_num_queries(4):
        client.get("/community/sessions/")
    with django_assert_max_num_queries(5):
        client.get(f"/community/sessions/{sessions[0].pk}/")


def test_each_member_sees_only_their_own_calendar_feed_address(practitioner, member_b):
    SessionFactory()
    page_a = _client(practitioner).get("/community/sessions/").content.decode()
    page_b = _client(member_b).get("/community/sessions/").content.decode()
    token_a = practitioner.community_membership.feed_token
    token_b = member_b.community_membership.feed_token
    assert f"/community/feed/{token_a}.ics" in page_a and token_b not in page_a
    assert f"/community/feed/{token_b}.ics" in page_b and token_a not in page_b
