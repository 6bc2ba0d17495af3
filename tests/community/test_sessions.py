import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from community.models import Registration
from community.services import (
    RegistrationError,
    registration_cancel,
    registration_create,
    waitlist_promote,
)
from gpl_cohort.outbox.models import EmailDelivery
from tests.accounts.factories import UserFactory
from tests.community.factories import MembershipFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _member(**kwargs):
    return MembershipFactory(**kwargs).user


def _ics(message) -> Calendar:
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    content = attachment[1]
    return Calendar.from_ical(content.encode() if isinstance(content, str) else content)


def test_registering_takes_a_seat_and_sends_an_invitation_with_an_ics(
    django_capture_on_commit_callbacks,
):
    session = SessionFactory(capacity=2, meeting_url="https://meet.example/abc?pwd=1&x=2")
    person = _member()
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(session=session, user=person)
    assert registration.status == Registration.Status.REGISTERED
    (message,) = mail.outbox
    assert "https://meet.example/abc?pwd=1&x=2" in message.body
    calendar = _ics(message)
    assert str(calendar["method"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == registration.ics_uid
    assert int(event["sequence"]) == 0


def test_registering_twice_is_one_registration_and_one_email(django_capture_on_commit_callbacks):
    session = SessionFactory()
    person = _member()
    with django_capture_on_commit_callbacks(execute=True):
        first = registration_create(session=session, user=person)
        second = registration_create(session=session, user=person)
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_a_repeated_click_takes_no_lock_on_the_session():
    """Every seat change of a session waits for its row lock: a click that changes nothing
    (registered already, cancelled already) must not queue behind them."""
    session = SessionFactory()
    person = _member()
    with CaptureQueriesContext(connection) as first_click:
        registration = registration_create(session=session, user=person)
    with CaptureQueriesContext(connection) as again:
        assert registration_create(session=session, user=person).pk == registration.pk
    cancelled = registration_cancel(registration=registration)
    with CaptureQueriesContext(connection) as cancel_again:
        assert registration_cancel(registration=cancelled).status == Registration.Status.CANCELLED

    def locks(queries: CaptureQueriesContext) -> list[str]:
        return [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]

    if connection.features.has_select_for_update:  # SQLite has no row locks to take
        assert locks(first_click)
    assert not locks(again) and not locks(cancel_again)


def test_a_full_session_puts_the_next_person_on_the_waitlist():
    session = SessionFactory(capacity=1)
    registration_create(session=session, user=_member())
    waiting = registration_create(session=session, user=_member())
    assert waiting.status == Registration.Status.WAITLISTED


def test_cancelling_sends_a_cancel_ics_with_the_same_uid_and_promotes_the_waitlist(
    django_capture_on_commit_callbacks,
):
    session = SessionFactory(capacity=1)
    first = registration_create(session=session, user=_member())
    waiting = registration_create(session=session, user=_member())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=first)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED
    cancel = next(m for m in mail.outbox if m.to == [first.email])
    calendar = _ics(cancel)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["uid"]) == first.ics_uid
    assert int(event["sequence"]) == 1
    promoted = next(m for m in mail.outbox if m.to == [waiting.email])
    assert str(_ics(promoted)["method"]) == "REQUEST"


def test_registering_again_after_cancelling_keeps_the_uid_and_raises_the_sequence(
    django_capture_on_commit_callbacks,
):
    session = SessionFactory()
    person = _member()
    first = registration_create(session=session, user=person)
    registration_cancel(registration=first)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = registration_create(session=session, user=person)
    assert again.pk == first.pk
    (event,) = _ics(mail.outbox[0]).walk("VEVENT")
    assert str(event["uid"]) == first.ics_uid
    assert int(event["sequence"]) == 2


def test_cancelling_twice_sends_one_cancellation(django_capture_on_commit_callbacks):
    registration = registration_create(session=SessionFactory(), user=_member())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration)
        registration_cancel(registration=registration)
    assert len(mail.outbox) == 1


def test_a_session_that_is_over_refuses_registrations():
    session = SessionFactory(starts_at=timezone.now() - dt.timedelta(hours=3))
    with pytest.raises(RegistrationError):
        registration_create(session=session, user=_member())


def test_staff_adding_seats_promotes_the_waitlist_in_order():
    session = SessionFactory(capacity=1)
    registration_create(session=session, user=_member())
    second = registration_create(session=session, user=_member())
    third = registration_create(session=session, user=_member())
    session.capacity = 2
    session.save()
    promoted = waitlist_promote(session=session)
    assert [r.pk for r in promoted] == [second.pk]
    third.refresh_from_db()
    assert third.status == Registration.Status.WAITLISTED


def test_a_webinar_registration_needs_no_account_and_keeps_the_questions():
    webinar = SessionFactory(kind="webinar", capacity=500)
    registration = registration_create(
        session=webinar,
        email="Visitor@County.org",
        full_name="Vic Visitor",
        jurisdiction_name="Example County",
        question="How are teams funded?",
    )
    assert registration.email == "visitor@county.org"
    assert registration.user is None
    assert EmailDelivery.objects.filter(recipient="visitor@county.org").count() == 1


def test_the_invitation_shows_the_time_in_the_recipients_zone(django_capture_on_commit_callbacks):
    start = dt.datetime(2030, 3, 6, 19, 0, tzinfo=dt.UTC)
    session = SessionFactory(starts_at=start)
    person = UserFactory(time_zone="America/Phoenix")
    MembershipFactory(user=person)
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(session=session, user=person)
    assert "12:00 PM" in mail.outbox[0].body
    assert "MST" in mail.outbox[0].body


def test_a_cancellation_by_staff_says_so(django_capture_on_commit_callbacks):
    registration = registration_create(session=SessionFactory(), user=_member())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, by_staff=True)
    assert "Program staff cancelled your registration" in mail.outbox[0].body
