"""Links in email and .ics files carry the host and port the site is served at, and calendar
invitations name the program's configured address as ORGANIZER."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings
from icalendar import Calendar

from community.models import Session, Subscriber
from community.services import registration_create, subscriber_subscribe
from tests.community.factories import SessionFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SERVED = "http://127.0.0.1:8080"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_on_another_port_serves_links_for_that_port():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8080"],  # noqa: S607 - make from PATH, as the README says
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    runserver = next(line for line in result.stdout.splitlines() if "runserver" in line)
    assert f"COHORT_SITE_URL={SERVED} " in runserver
    assert runserver.endswith("runserver 127.0.0.1:8080")


@override_settings(SITE_URL=SERVED)
def test_the_newsletter_confirmation_link_opens_on_the_served_port(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_subscribe(email="reader@example.org")
    link = re.search(r"https?://\S+/community/newsletter/confirm/\S+/", mail.outbox[0].body)
    assert link is not None
    assert link.group(0).startswith(f"{SERVED}/community/newsletter/confirm/")
    response = client.get(link.group(0).removeprefix(SERVED))
    assert response.status_code == 200
    assert Subscriber.objects.get(email="reader@example.org").status == "subscribed"


def _invitation(message) -> Calendar:
    ics = next(a for a in message.attachments if a[0].endswith(".ics"))
    return Calendar.from_ical(ics[1])


@override_settings(SITE_URL=SERVED, DEFAULT_FROM_EMAIL="Program staff <cohort@program.example.gov>")
@pytest.mark.parametrize(
    ("kind", "page"), [(Session.Kind.COMMUNITY, "sessions"), (Session.Kind.WEBINAR, "webinars")]
)
def test_a_registration_email_and_its_ics_link_to_the_session_on_the_served_port(
    practitioner, django_capture_on_commit_callbacks, kind, page
):
    session = SessionFactory(kind=kind)
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(session=session, user=practitioner)
    message = mail.outbox[-1]
    url = f"{SERVED}/community/{page}/{session.pk}/"
    assert url in message.body
    event = next(c for c in _invitation(message).walk() if c.name == "VEVENT")
    assert url in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == "mailto:cohort@program.example.gov"
    assert str(event["ORGANIZER"].params["CN"]) == "Program staff"
    assert "localhost" not in message.from_email
