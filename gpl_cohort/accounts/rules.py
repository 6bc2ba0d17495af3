"""Object-level permission predicates shared by every app (django-rules).

Each question is answered once, here or in an app's own rules.py, and the same predicate is used
by views (`user.has_perm`), the API (AutoPermissionViewSetMixin / HasRulesPermission) and the admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules

from gpl_cohort.accounts.models import User
from gpl_cohort.accounts.roles import roles_of

if TYPE_CHECKING:
    from gpl_cohort.accounts.roles import RequestUser


@rules.predicate
def is_program_staff(user: RequestUser) -> bool:
    return roles_of(user).is_staff


@rules.predicate
def is_jurisdiction_contact(user: RequestUser) -> bool:
    return roles_of(user).is_contact


@rules.predicate
def is_practitioner(user: RequestUser) -> bool:
    return roles_of(user).is_practitioner


def jurisdiction_id_of(obj: Any) -> int | None:
    """The jurisdiction an object belongs to: itself, or its `jurisdiction_id` attribute."""
    if obj is None:
        return None
    # The model a contact's `contact_jurisdiction` points at, without importing its app.
    if isinstance(obj, User._meta.get_field("contact_jurisdiction").related_model):
        return obj.pk
    return getattr(obj, "jurisdiction_id", None)


@rules.predicate
def is_contact_of_object_jurisdiction(user: RequestUser, obj: Any) -> bool:
    roles = roles_of(user)
    if not roles.is_contact or obj is None:
        return False
    return jurisdiction_id_of(obj) == roles.jurisdiction_id
