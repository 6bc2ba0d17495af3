import re

import pytest
from django.core import mail
from django.test import Client

from community.models import Membership, Registration, Subscriber
from community.services import registration_create
from tests.community.factories import (
    MembershipFactory,
    RegistrationFactory,
    SessionFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db

JOIN = {
    "full_name": "Jo Member",
    "email": "jo@tucsonaz.gov",
    "agency": "Office of Community Safety",
    "role": "Program manager",
    "time_zone": "America/Phoenix",
    "password": "a-long-enough-password-1",
    "password_again": "a-long-enough-password-1",
}


def test_joining_with_a_gov_address_logs_the_member_in(client, jurisdiction_a):
    response = client.post("/community/join/", {**JOIN, "jurisdiction": jurisdiction_a.pk})
    assert response.status_code == 302
    assert response["Location"] == "/community/sessions/"
    assert client.get("/community/sessions/").status_code == 200


def test_joining_with_another_address_waits_for_approval(client, jurisdiction_a):
    response = client.post(
        "/community/join/", {**JOIN, "email": "jo@gmail.com", "jurisdiction": jurisdiction_a.pk}
    )
    assert response.status_code == 200
    assert b"program staff will check" in response.content
    assert Membership.objects.get().status == Membership.Status.PENDING
    assert client.get("/community/sessions/").status_code == 403


def test_a_bad_join_form_keeps_the_other_answers(client, jurisdiction_a):
    response = client.post(
        "/community/join/",
        {**JOIN, "jurisdiction": jurisdiction_a.pk, "password_again": "different-one-2"},
    )
    assert response.status_code == 200
    assert b"The two passwords differ" in response.content
    assert b'value="Office of Community Safety"' in response.content
    assert not Membership.objects.exists()


def test_joining_without_a_jurisdiction_asks_for_a_new_one(client):
    response = client.post("/community/join/", JOIN)
    assert b"Choose your jurisdiction above" in response.content


def test_the_sessions_list_is_for_members_and_staff(
    practitioner_client, staff_client, contact_a_client, client, django_assert_max_num_queries
):
    SessionFactory.create_batch(8)
    with django_assert_max_num_queries(10):
        assert practitioner_client.get("/community/sessions/").status_code == 200
    assert staff_client.get("/community/sessions/").status_code == 200
    assert contact_a_client.get("/community/sessions/").status_code == 403
    assert client.get("/community/sessions/").status_code == 302


def test_the_meeting_link_shows_only_after_registering(practitioner_client, practitioner):
    session = SessionFactory(meeting_url="https://meet.example/secret-room")
    page = practitioner_client.get(f"/community/sessions/{session.pk}/")
    assert b"secret-room" not in page.content
    response = practitioner_client.post(f"/community/sessions/{session.pk}/register/")
    assert response.status_code == 302
    page = practitioner_client.get(f"/community/sessions/{session.pk}/")
    assert b"secret-room" in page.content
    assert Registration.objects.get().email == practitioner.email


def test_registering_needs_post_and_membership(practitioner_client, contact_a_client):
    session = SessionFactory()
    assert practitioner_client.get(f"/community/sessions/{session.pk}/register/").status_code == 405
    assert contact_a_client.post(f"/community/sessions/{session.pk}/register/").status_code == 403
    assert practitioner_client.post("/community/sessions/999999/register/").status_code == 404


def test_cancelling_without_a_registration_is_404(practitioner_client):
    session = SessionFactory()
    assert practitioner_client.post(f"/community/sessions/{session.pk}/cancel/").status_code == 404


def test_the_ics_download_is_for_registered_people_only(practitioner_client, practitioner):
    session = SessionFactory()
    assert (
        practitioner_client.get(f"/community/sessions/{session.pk}/invite.ics").status_code == 404
    )
    registration_create(session=session, user=practitioner)
    response = practitioner_client.get(f"/community/sessions/{session.pk}/invite.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert b"BEGIN:VCALENDAR" in response.content


def test_the_series_feed_works_with_the_secret_token_only(client, practitioner):
    registered = SessionFactory(meeting_url="https://meet.example/mine")
    SessionFactory(meeting_url="https://meet.example/other")
    registration_create(session=registered, user=practitioner)
    token = practitioner.community_membership.feed_token
    response = client.get(f"/community/feed/{token}.ics")
    assert response.status_code == 200
    assert response.content.count(b"BEGIN:VEVENT") == 2
    assert b"meet.example/mine" in response.content
    assert b"meet.example/other" not in response.content
    assert client.get("/community/feed/not-a-token.ics").status_code == 404


def test_slides_are_for_members(practitioner_client, contact_a_client):
    session = SessionFactory()
    assert practitioner_client.get(f"/community/sessions/{session.pk}/slides/").status_code == 404
    assert contact_a_client.get(f"/community/sessions/{session.pk}/slides/").status_code == 403


def test_the_public_webinar_page_registers_anyone(client, django_capture_on_commit_callbacks):
    webinar = SessionFactory(kind="webinar", title="Informational webinar, May 11")
    assert client.get(f"/community/webinars/{webinar.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/community/webinars/{webinar.pk}/",
            {
                "full_name": "Vic",
                "email": "vic@county.org",
                "jurisdiction_name": "Example County",
                "question": "Can tribes apply?",
            },
        )
    assert b"You are registered" in response.content
    assert mail.outbox[0].attachments[0][0] == "invite.ics"


def test_a_bad_webinar_form_keeps_the_answers(client):
    webinar = SessionFactory(kind="webinar")
    response = client.post(
        f"/community/webinars/{webinar.pk}/",
        {"full_name": "Vic", "email": "not-an-email", "question": "Kept question"},
    )
    assert response.status_code == 200
    assert b"Kept question" in response.content
    assert not Registration.objects.exists()


def test_a_community_session_has_no_public_page(client):
    assert client.get(f"/community/webinars/{SessionFactory().pk}/").status_code == 404


def test_subscribe_confirm_and_unsubscribe_through_the_pages(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/community/newsletter/", {"email": "reader@example.org"})
    assert b"Check your inbox" in response.content
    link = re.search(r"https?://\S+(/community/newsletter/confirm/\S+/)", mail.outbox[0].body)
    assert client.get(link.group(1)).status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.SUBSCRIBED
    page = client.get(f"/community/newsletter/unsubscribe/{subscriber.token}/")
    assert b"Unsubscribe reader@example.org?" in page.content
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.SUBSCRIBED  # GET alone changes nothing


def test_a_broken_confirmation_link_says_so(client):
    response = client.get("/community/newsletter/confirm/abc:def:ghi/")
    assert response.status_code == 400
    assert b"not valid" in response.content


def test_one_click_unsubscribe_works_without_csrf_and_twice():
    subscriber = SubscriberFactory()
    client = Client(enforce_csrf_checks=True)
    url = f"/community/newsletter/unsubscribe/{subscriber.token}/"
    for _ in range(2):
        response = client.post(url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert client.post("/community/newsletter/unsubscribe/unknown/").status_code == 404


def test_the_newsletter_link_is_on_public_pages(client):
    assert b"/community/newsletter/" in client.get("/community/newsletter/").content
    assert b"/community/newsletter/" in client.get("/accounts/login/").content


def test_a_waitlisted_member_sees_their_place(practitioner_client, practitioner):
    session = SessionFactory(capacity=1)
    RegistrationFactory(session=session)
    practitioner_client.post(f"/community/sessions/{session.pk}/register/")
    page = practitioner_client.get(f"/community/sessions/{session.pk}/")
    assert b"You are on the waitlist" in page.content


def test_the_community_index_sends_people_where_they_belong(client, practitioner_client):
    assert client.get("/community/")["Location"] == "/community/join/"
    assert practitioner_client.get("/community/")["Location"] == "/community/sessions/"


def test_a_pending_member_is_not_a_practitioner(client):
    membership = MembershipFactory(status=Membership.Status.PENDING)
    client.force_login(membership.user)
    assert client.get("/community/sessions/").status_code == 403
