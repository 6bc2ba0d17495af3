from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ValidationError

from gpl_cohort.accounts.roles import session_user_annotations
from gpl_cohort.accounts.session_user import SESSION_USER_SECONDS, session_user_key


class EmailBackend(ModelBackend):
    """Log-in by email address, whatever its case; the model's USERNAME_FIELD is the email."""

    def get_user(self, user_id: Any) -> Any:
        """The logged-in person, with what most pages ask of them loaded by the same query.

        Every page works out the person's roles (navigation, rules), so the apps that answer a
        role (community: an approved practitioner; applications: a contact on an application)
        register their answer as a query expression (accounts.roles.session_user_annotate), as
        may an app for something else most of its pages read (community's calendar feed token).
        Users loaded any other way are asked with queries of their own.

        The loaded person is kept in Django's cache and dropped when it changes
        (accounts.session_user).
        """
        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        key = session_user_key(user_id)
        user = cache.get(key)
        if user is None:
            user = self._load(user_id)
            if user is None:
                return None
            cache.set(key, user, SESSION_USER_SECONDS)
        return user if self.user_can_authenticate(user) else None

    def _load(self, user_id: Any) -> Any:
        users = get_user_model()._default_manager.annotate(**session_user_annotations())
        return users.filter(pk=user_id).first()
