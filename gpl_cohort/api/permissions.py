"""DRF permission that asks the same django-rules predicates as the views and the admin."""

from __future__ import annotations

from typing import Any

from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

# HTTP method -> the Django permission verb it needs.
METHOD_VERBS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def _perm(view: GenericAPIView, verb: str) -> str:
    model = view.get_queryset().model
    return f"{model._meta.app_label}.{verb}_{model._meta.model_name}"


class RulesPermission(BasePermission):
    """Object-level checks through `user.has_perm(perm, obj)` (rules declared in rules.py).

    Lists are not checked per row: their querysets already come from a selector scoped to the
    user. A view may name `rules_add_perm_requires_object = False` style overrides by setting
    `required_perms = {"POST": "app.perm"}` for actions that are not plain model writes.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        verb = METHOD_VERBS.get(request.method or "", "change")
        required = getattr(view, "required_perms", {}).get(request.method)
        if required:
            return request.user.has_perm(required)
        if verb == "add":
            return request.user.has_perm(_perm(view, "add"))
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        verb = METHOD_VERBS.get(request.method or "", "change")
        return request.user.has_perm(_perm(view, verb), obj)
