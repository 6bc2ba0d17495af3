"""iCalendar files: one invitation per registration, and a member's feed of the whole series."""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from community.models import Registration, Session
from gpl_cohort.links import absolute_url

PRODID = "-//Cohort program//Community of practice//EN"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _describe(session: Session, *, with_link: bool) -> str:
    parts = [session.description.strip()]
    for label, text in (
        ("Sharing", session.agenda_sharing),
        ("Learning", session.agenda_learning),
        ("Connection", session.agenda_connection),
    ):
        if text.strip():
            parts.append(f"{label}: {text.strip()}")
    if with_link and session.meeting_url:
        parts.append(f"Join: {session.meeting_url}")
    parts.append(absolute_url(session.get_absolute_url()))
    return "\n\n".join(p for p in parts if p)


def _event(session: Session, *, uid: str, sequence: int, with_link: bool) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.title)
    event.add("description", _describe(session, with_link=with_link))
    if with_link and session.meeting_url:
        event.add("location", session.meeting_url)
        event.add("url", session.meeting_url)
    return event


def registration_ics(registration: Registration, *, method: str = "REQUEST") -> bytes:
    """METHOD:REQUEST for an invitation or an update, METHOD:CANCEL when the seat is given up.

    The UID is the registration's (stable for a person and a session, since a person has one
    registration row per session for ever); SEQUENCE grows with every change, which is how
    calendar programs know an update replaces what they hold.
    """
    session = registration.session
    cancelled = method == "CANCEL"
    calendar = _calendar(method)
    event = _event(
        session,
        uid=registration.ics_uid,
        sequence=registration.ics_sequence,
        with_link=not cancelled,
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or "Program staff")
    event["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = vText(registration.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
    event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return calendar.to_ical()


def series_feed_ics(sessions: Iterable[Session], *, registered_ids: set[int]) -> bytes:
    """All community sessions; the meeting link only on those the member registered for."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", "Community of practice sessions")
    for session in sessions:
        event = _event(
            session,
            uid=f"cohort-session-{session.pk}@cohort",
            sequence=0,
            with_link=session.pk in registered_ids,
        )
        calendar.add_component(event)
    return calendar.to_ical()
