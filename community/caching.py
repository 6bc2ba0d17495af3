"""What the busiest community pages read, kept in Django's cache with explicit invalidation.

The sessions list, the home page's next sessions and the sessions' seat counts are read on most
requests and change only when a session, a topic or a registration is saved or deleted. Two
entries are kept:

- `UPCOMING_KEY`: the community sessions from three hours before the moment it was filled
  onwards, with their seat counts. Readers cut it at their own "now", so the cut is exact
  whatever the entry's age; any save or delete of a session, topic or registration drops it.
- `session_key(pk)`: one session's page data (seat counts, presenters with their
  jurisdictions). Dropped when the session, its registrations or its presenters change, and
  when a topic or a jurisdiction it shows is saved.
- `statuses_key(email)`: one person's registration status per session. A registration's save
  or delete drops its person's entry.

Writes that bypass `save()` (queryset `.update()`) change only attendance and reminder times,
which neither entry holds. Each drop happens at once and again when the transaction commits,
so a reader that filled the entry from rows about to change cannot keep it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from gpl_cohort.cache import cache_drop

UPCOMING_KEY = "community:sessions:upcoming"
STATUSES_PREFIX = "community:registration-statuses:"
TIMEOUT_SECONDS = 600


def session_key(pk: int) -> str:
    return f"community:session:{pk}"


def statuses_key(email: str) -> str:
    return STATUSES_PREFIX + hashlib.sha256(email.lower().encode()).hexdigest()[:32]


def session_changed(instance: Any, **kwargs: Any) -> None:
    cache_drop(UPCOMING_KEY)
    cache_drop(session_key(instance.pk))


def presenter_changed(instance: Any, **kwargs: Any) -> None:
    cache_drop(session_key(instance.session_id))


def registration_changed(instance: Any, **kwargs: Any) -> None:
    cache_drop(UPCOMING_KEY)
    cache_drop(session_key(instance.session_id))
    if instance.email:
        cache_drop(statuses_key(instance.email))


def topic_changed(instance: Any, **kwargs: Any) -> None:
    from community.models import Session

    cache_drop(UPCOMING_KEY)
    for pk in Session.objects.filter(staff_topic=instance).values_list("pk", flat=True):
        cache_drop(session_key(pk))


def jurisdiction_changed(instance: Any, **kwargs: Any) -> None:
    from community.models import Presenter

    presenters = Presenter.objects.filter(jurisdiction=instance)
    for pk in presenters.values_list("session_id", flat=True).distinct():
        cache_drop(session_key(pk))
