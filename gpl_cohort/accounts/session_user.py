"""The logged-in person, kept in Django's cache between requests.

Every page loads its person (`EmailBackend.get_user`) with what navigation and the rules ask of
them. That query costs more CPU than the rest of a short page's SQL, so the loaded user is kept
in the default cache under `session_user_key(id)` for `SESSION_USER_SECONDS`.

The entry is dropped whenever something it holds may have changed: the user row itself (here),
and each app's rows that feed the person's roles (those apps call `session_user_forget` from
their own receivers, so accounts need not know them). The drop happens at once and again after
the transaction commits, so a request that read the old row mid-transaction cannot keep it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from gpl_cohort.cache import cache_drop

SESSION_USER_SECONDS = 300


def session_user_key(user_id: Any) -> str:
    return f"accounts:session-user:{user_id}"


def session_user_forget(user_id: Any) -> None:
    if user_id is None:
        return
    cache_drop(session_user_key(user_id))


def forget_on_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A post_save/post_delete receiver for the user itself or a row with a `user_id`."""
    user_model = get_user_model()
    session_user_forget(instance.pk if isinstance(instance, user_model) else instance.user_id)
