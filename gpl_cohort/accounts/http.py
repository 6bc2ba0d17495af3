"""Request types for views: what mypy knows about `request.user` behind a login check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a @login_required (or staff-only) view receives: its user is signed in.

    Only an annotation: Django hands the view its usual HttpRequest, whose user the login check
    has already proven to be a User rather than an AnonymousUser.
    """

    user: User


class AuthenticatedRequest(Request):
    """The DRF request of a view whose permissions require a signed-in user (IsAuthenticated)."""

    user: User
