"""Which roles a person holds. One place that answers "who is this?" for nav, home and rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, TypeVar

from django.db.models import Model, QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from gpl_cohort.accounts.models import User

    # Whoever a request comes from: a signed-in User, or Django's AnonymousUser.
    RequestUser: TypeAlias = User | AnonymousUser


@dataclass(frozen=True)
class Roles:
    is_authenticated: bool = False
    is_staff: bool = False
    is_contact: bool = False
    is_practitioner: bool = False
    # A contact on at least one application (their own "My applications").
    is_applicant: bool = False
    jurisdiction_id: int | None = None

    @property
    def key(self) -> str:
        """Every field, as a short string: a cache key part for whatever the roles decide."""
        flags = (self.is_authenticated, self.is_staff, self.is_contact, self.is_practitioner)
        return "".join("1" if flag else "0" for flag in (*flags, self.is_applicant)) + (
            f"j{self.jurisdiction_id}" if self.jurisdiction_id else ""
        )

    @property
    def names(self) -> list[str]:
        names = []
        if self.is_staff:
            names.append("Program staff")
        if self.is_contact:
            names.append("Jurisdiction contact")
        if self.is_practitioner:
            names.append("Practitioner")
        return names


ANONYMOUS = Roles()

_M = TypeVar("_M", bound=Model)


def roles_of(user: RequestUser | None) -> Roles:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_cohort_roles", None)
    if cached is not None:
        return cached
    from applications.selectors import is_applicant
    from community.selectors import is_practitioner

    # The session's user is loaded with this answer already (accounts.backends.EmailBackend).
    practitioner = getattr(user, "_has_approved_membership", None)
    applicant = getattr(user, "_has_application_contact", None)
    roles = Roles(
        is_authenticated=True,
        is_staff=bool(user.is_staff),
        is_contact=user.contact_jurisdiction_id is not None,
        is_practitioner=is_practitioner(user) if practitioner is None else bool(practitioner),
        is_applicant=is_applicant(user) if applicant is None else bool(applicant),
        jurisdiction_id=user.contact_jurisdiction_id,
    )
    user._cohort_roles = roles
    return roles


def scoped_to_jurisdiction(
    queryset: QuerySet[_M], user: RequestUser, *, field: str = "jurisdiction_id"
) -> QuerySet[_M]:
    """The rows of `queryset` this person may see: all for staff, their own jurisdiction's for a
    contact (`field` names the path to the jurisdiction id), none for anyone else."""
    roles = roles_of(user)
    if roles.is_staff:
        return queryset
    if roles.is_contact:
        return queryset.filter(**{field: roles.jurisdiction_id})
    return queryset.none()
