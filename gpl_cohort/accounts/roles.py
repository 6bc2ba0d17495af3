"""Which roles a person holds. One place that answers "who is this?" for nav, home and rules.

Staff and jurisdiction contact are read off the user. The other roles belong to apps above this
one (a practitioner is an approved member of the community of practice, an applicant a contact
on an application): each such app registers its answer here from its AppConfig.ready(), with
`role_register`, so this module imports none of them, as the home page's panels do. An app may
also have its answer loaded with the session's user (`session_user_annotate`), so most pages
ask no query of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

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
# The roles another app answers: every field but these, which come with the user itself.
_OWN = {"is_authenticated", "is_staff", "is_contact", "jurisdiction_id"}
REGISTERED_ROLES = tuple(f.name for f in fields(Roles) if f.name not in _OWN)


@dataclass(frozen=True)
class _Question:
    ask: Callable[[Any], bool]
    preloaded: str


_QUESTIONS: dict[str, _Question] = {}
_SESSION_USER_ANNOTATIONS: dict[str, Callable[[], Any]] = {}


def role_register(role: str, *, ask: Callable[[Any], bool], preloaded: str = "") -> None:
    """Answer `role` (a field of Roles) for the app that owns it: `ask(user)`, or the user's
    attribute `preloaded` when the user was loaded with it (see session_user_annotate)."""
    if role not in REGISTERED_ROLES:
        raise ValueError(f"{role!r} is not a role an app answers: {', '.join(REGISTERED_ROLES)}")
    _QUESTIONS[role] = _Question(ask=ask, preloaded=preloaded)


def session_user_annotate(name: str, expression: Callable[[], Any]) -> None:
    """Load the session's user with `name` = `expression()`, a query expression over users
    (OuterRef("pk") is the user), by the same query (accounts.backends.EmailBackend)."""
    _SESSION_USER_ANNOTATIONS[name] = expression


def session_user_annotations() -> dict[str, Any]:
    return {name: expression() for name, expression in _SESSION_USER_ANNOTATIONS.items()}


def _answer(question: _Question, user: Any) -> bool:
    known = getattr(user, question.preloaded, None) if question.preloaded else None
    return question.ask(user) if known is None else bool(known)


_M = TypeVar("_M", bound=Model)


def roles_of(user: RequestUser | None) -> Roles:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_cohort_roles", None)
    if cached is not None:
        return cached
    roles = Roles(
        is_authenticated=True,
        is_staff=bool(user.is_staff),
        is_contact=user.contact_jurisdiction_id is not None,
        jurisdiction_id=user.contact_jurisdiction_id,
        **{role: _answer(question, user) for role, question in _QUESTIONS.items()},
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
