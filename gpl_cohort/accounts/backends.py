from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError


class EmailBackend(ModelBackend):
    """Log-in by email address, whatever its case; the model's USERNAME_FIELD is the email."""

    def get_user(self, user_id: Any) -> Any:
        """The logged-in person, with "is a practitioner" answered by the same query.

        Every page asks for the person's roles (navigation, rules); reading the membership in
        the query that loads the user saves a round trip on each request, and written as SQL
        it costs a fifth of the CPU the ORM spends compiling the same query with Exists().
        accounts.roles reads `_has_approved_membership`; users loaded any other way are asked.
        Two more answers come with it for the pages most people open: the community calendar
        feed token (`_community_feed_token`, the sessions list) and whether they are a contact
        on any application (`_has_application_contact`, the home page's applications panel).
        """
        from applications.models import ApplicationContact
        from community.models import Membership

        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        # Table and column names come from the models' metadata, never from input.
        membership_user = Membership._meta.get_field("user").column
        feed_token = Membership._meta.get_field("feed_token").column
        contact_user = ApplicationContact._meta.get_field("user").column
        pk = user_model._meta.pk.column
        users = user_model._default_manager.raw(
            f"SELECT u.*, EXISTS (SELECT 1 FROM {Membership._meta.db_table} m"  # noqa: S608
            f" WHERE m.{membership_user} = u.{pk} AND m.status = %s) AS _has_approved_membership,"
            f" (SELECT m.{feed_token} FROM {Membership._meta.db_table} m"
            f" WHERE m.{membership_user} = u.{pk}) AS _community_feed_token,"
            f" EXISTS (SELECT 1 FROM {ApplicationContact._meta.db_table} c"
            f" WHERE c.{contact_user} = u.{pk}) AS _has_application_contact"
            f" FROM {user_model._meta.db_table} u WHERE u.{pk} = %s",
            [Membership.Status.APPROVED, user_id],
        )
        user = next(iter(users), None)
        return user if user is not None and self.user_can_authenticate(user) else None
