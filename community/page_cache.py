"""The parts of the session pages that are the same for every member, kept in the cache.

The sessions list, a session's page and the home page's "next sessions" panel show titles,
topics, times, agendas and presenters that are identical for everyone who reads them in the
same time zone. Rendering them (dates per time zone, a dozen includes) and building their SQL
was most of each page's CPU, so the rendered HTML is kept under a version number that every
change to a session, its presenters, a staff topic or a presenter's jurisdiction replaces
(signals below, so the admin, services and management commands are all covered).

What differs per person, or moves with every registration, is never in the cached part: the
seats taken, the waitlist and "am I registered" come from one aggregate query per page
(`community.selectors.seats_and_mine`). Registrations are a fifth of the traffic, so keeping
their counts in the cached HTML would throw it away after nearly every read.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

VERSION_KEY = "community:sessions:version"
TIMEOUT = 24 * 3600  # a version nobody asks for any more simply expires
# A session stays on the members' list for three hours after it starts (it may still run).
LIST_GRACE = timedelta(hours=3)


def version() -> int:
    found = cache.get(VERSION_KEY)
    if found is None:
        # A fresh number (not 1) so a flushed cache can never bring back an old version's HTML.
        found = time.time_ns()
        if not cache.add(VERSION_KEY, found, None):
            found = cache.get(VERSION_KEY, found)
    return int(found)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any fresh one is newer than all before
        cache.set(VERSION_KEY, time.time_ns(), None)


def sessions_changed(**_: Any) -> None:
    """Forget the cached session HTML: now, and again when the transaction commits, so a page
    rendered from the old rows in between is not kept under the new version."""
    _bump()
    transaction.on_commit(_bump)


def _zone() -> str:
    return timezone.get_current_timezone_name()


def list_rows(now: datetime) -> list[dict[str, Any]]:
    """The members' upcoming sessions (from three hours ago), each with its heading rendered."""
    key = f"community:sessions:list:{version()}:{_zone()}"
    rows = cache.get(key)
    if rows is None:
        from community.selectors import sessions_for_members

        rows = [
            {
                "pk": session.pk,
                "starts_at": session.starts_at,
                "capacity": session.capacity,
                "heading": render_to_string(
                    "community/_session_heading.html", {"session": session}
                ),
            }
            for session in sessions_for_members(counts=False)
        ]
        cache.set(key, rows, TIMEOUT)
    # Sessions only leave the list as time passes (a new or moved one changes the version).
    return [
        {**row, "heading": mark_safe(row["heading"])}  # rendered (and escaped) by our template
        for row in rows
        if row["starts_at"] >= now - LIST_GRACE
    ]


def detail(pk: int) -> dict[str, Any] | None:
    """What every member sees of session `pk` (None when there is no such session)."""
    key = f"community:sessions:detail:{pk}:{version()}:{_zone()}"
    found = cache.get(key)
    if found is None:
        from community.models import Session
        from community.selectors import session_detail

        try:
            session = session_detail(pk=pk, counts=False)
        except Session.DoesNotExist:
            return None
        found = {
            "pk": session.pk,
            "title": session.title,
            "capacity": session.capacity,
            "ends_at": session.ends_at,
            "meeting_url": session.meeting_url,
            "intro": render_to_string("community/_session_intro.html", {"session": session}),
            "about": render_to_string("community/_session_about.html", {"session": session}),
        }
        cache.set(key, found, TIMEOUT)
    # Both rendered by our templates, which escape what they print.
    return {**found, "intro": mark_safe(found["intro"]), "about": mark_safe(found["about"])}


def upcoming(now: datetime, limit: int) -> list[Any]:
    """The next `limit` community sessions (model instances, for the home page's panel)."""
    key = f"community:sessions:upcoming:{version()}"
    sessions = cache.get(key)
    if sessions is None:
        from community.selectors import sessions_for_members

        sessions = list(sessions_for_members(counts=False))
        cache.set(key, sessions, TIMEOUT)
    return [s for s in sessions if s.starts_at >= now][:limit]


def connect() -> None:
    from community.models import Presenter, Session, Topic
    from jurisdictions.models import Jurisdiction

    # A presenter's jurisdiction is printed beside their name; jurisdictions rarely change.
    for model in (Session, Presenter, Topic, Jurisdiction):
        uid = f"community.page_cache:{model.__name__}"
        post_save.connect(sessions_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(sessions_changed, sender=model, dispatch_uid=uid + ":delete")
