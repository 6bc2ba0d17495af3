import datetime as dt

import pytest
import time_machine
from django.core import mail

from community.models import Registration
from community.services import registration_create, reminders_send_due
from gpl_cohort.outbox.models import EmailDelivery
from tests.community.factories import MembershipFactory, SessionFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2030, 5, 2, 18, 0, tzinfo=dt.UTC)


def _register_at(moment: dt.datetime, session) -> Registration:
    with time_machine.travel(moment, tick=False):
        return registration_create(session=session, user=MembershipFactory().user)


def _reminders(registration: Registration) -> list[str]:
    return sorted(
        key.split(":")[0]
        for key in EmailDelivery.objects.filter(
            recipient=registration.email, message_key__startswith="community-reminder"
        ).values_list("message_key", flat=True)
    )


def _scan_every_15_minutes(since: dt.datetime, until: dt.datetime) -> None:
    moment = since
    while moment <= until:
        with time_machine.travel(moment, tick=False):
            reminders_send_due()
        moment += dt.timedelta(minutes=15)


def test_someone_registered_days_ahead_gets_each_reminder_exactly_once():
    session = SessionFactory(starts_at=START)
    registration = _register_at(START - dt.timedelta(days=5), session)
    _scan_every_15_minutes(START - dt.timedelta(hours=25), START + dt.timedelta(minutes=10))
    assert _reminders(registration) == ["community-reminder-1h", "community-reminder-24h"]


def test_registering_30_minutes_before_skips_the_24h_reminder_and_sends_the_1h_once():
    session = SessionFactory(starts_at=START)
    registration = _register_at(START - dt.timedelta(minutes=30), session)
    _scan_every_15_minutes(START - dt.timedelta(minutes=30), START + dt.timedelta(minutes=10))
    assert _reminders(registration) == ["community-reminder-1h"]


def test_registering_ten_hours_before_gets_no_24h_reminder():
    session = SessionFactory(starts_at=START)
    registration = _register_at(START - dt.timedelta(hours=10), session)
    _scan_every_15_minutes(START - dt.timedelta(hours=10), START)
    assert _reminders(registration) == ["community-reminder-1h"]


def test_a_scan_that_missed_the_24h_window_does_not_send_it_late():
    session = SessionFactory(starts_at=START)
    registration = _register_at(START - dt.timedelta(days=3), session)
    # The scheduler was down from 25 hours before until 50 minutes before the start.
    _scan_every_15_minutes(START - dt.timedelta(minutes=50), START)
    assert _reminders(registration) == ["community-reminder-1h"]


def test_cancelled_and_waitlisted_people_get_no_reminders():
    session = SessionFactory(starts_at=START, capacity=1)
    seated = _register_at(START - dt.timedelta(days=3), session)
    waiting = _register_at(START - dt.timedelta(days=3), session)
    seated.status = Registration.Status.CANCELLED
    seated.save()
    _scan_every_15_minutes(START - dt.timedelta(minutes=55), START)
    assert _reminders(seated) == []
    assert _reminders(waiting) == []


def test_two_scans_at_the_same_instant_queue_one_reminder(django_capture_on_commit_callbacks):
    session = SessionFactory(starts_at=START)
    registration = _register_at(START - dt.timedelta(days=3), session)
    mail.outbox.clear()
    with (
        time_machine.travel(START - dt.timedelta(minutes=30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reminders_send_due() == {"24h": 0, "1h": 1}
        assert reminders_send_due() == {"24h": 0, "1h": 0}
    assert [m.subject for m in mail.outbox] == [f"In one hour: {session.title}"]
    assert registration.email in mail.outbox[0].to
