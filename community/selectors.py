from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from community.models import Membership, Session


def is_practitioner(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, status=Membership.Status.APPROVED).exists()


def sessions_upcoming(*, limit: int = 5) -> QuerySet[Session]:
    return Session.objects.filter(starts_at__gte=timezone.now()).order_by("starts_at")[:limit]
