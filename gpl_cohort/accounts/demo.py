"""Demo logins, one per role (printed by `make run`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gpl_cohort.accounts.models import User
from gpl_cohort.accounts.services import program_staff_group_sync

DEMO_PASSWORD = "cohort-demo-2021"  # noqa: S105 - published demo password, demo data only

DEMO_LOGINS = [
    # (email, full name, role shown to the person running the demo)
    ("staff@cohort.example", "Maya Program-Staff", "program staff (admin)"),
    ("reviewer@cohort.example", "Ravi Reviewer", "program staff, application reviewer"),
    ("contact@durham.example", "Dana Durham", "jurisdiction contact, Durham NC"),
    ("contact@phoenix.example", "Pat Phoenix", "jurisdiction contact, Phoenix AZ"),
    ("practitioner@tucson.example", "Toni Tucson", "practitioner, community of practice"),
]


def seed(log: Callable[[str], None]) -> None:
    staff_group = program_staff_group_sync()
    # The demo's jurisdictions (seeded before this, jurisdictions.demo), reached through the
    # user's own link to them, so that this app imports none of the apps above it.
    jurisdictions = User._meta.get_field("contact_jurisdiction").related_model._default_manager
    durham: Any = jurisdictions.get(name="Durham", state="NC")
    phoenix: Any = jurisdictions.get(name="Phoenix", state="AZ")
    settings_by_email: dict[str, dict[str, object]] = {
        "staff@cohort.example": {"is_staff": True, "is_superuser": True},
        "reviewer@cohort.example": {"is_staff": True},
        "contact@durham.example": {"contact_jurisdiction": durham, "time_zone": durham.time_zone},
        "contact@phoenix.example": {
            "contact_jurisdiction": phoenix,
            "time_zone": phoenix.time_zone,
        },
        "practitioner@tucson.example": {"time_zone": "America/Phoenix"},
    }
    for email, full_name, _ in DEMO_LOGINS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD)
        user.full_name = full_name
        for field, value in settings_by_email[email].items():
            setattr(user, field, value)
        user.save()
        if user.is_staff:
            user.groups.add(staff_group)
    log(f"accounts: {len(DEMO_LOGINS)} demo logins")
