from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from applications.models import Application, Cohort
from gpl_cohort.accounts.roles import roles_of


def applications_visible_to(user: Any) -> QuerySet[Application]:
    roles = roles_of(user)
    qs = Application.objects.select_related("cohort", "jurisdiction")
    if roles.is_staff:
        return qs
    if roles.is_contact:
        return qs.filter(jurisdiction_id=roles.jurisdiction_id)
    return qs.none()


def application_counts_by_status() -> list[dict[str, Any]]:
    labels = dict(Application.Status.choices)
    rows = Application.objects.values("status").annotate(n=Count("pk")).order_by("status")
    order = list(labels)
    return sorted(
        (
            {"status": r["status"], "label": labels.get(r["status"], r["status"]), "count": r["n"]}
            for r in rows
        ),
        key=lambda r: order.index(r["status"]) if r["status"] in order else len(order),
    )


def cohorts_public() -> QuerySet[Cohort]:
    return Cohort.objects.all()
