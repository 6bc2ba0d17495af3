"""Demo logins, one per role (printed by `make run`)."""

from __future__ import annotations

from collections.abc import Callable

from gpl_cohort.accounts.models import User
from gpl_cohort.accounts.services import program_staff_group_sync
from jurisdictions.models import Jurisdiction

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
    durham = Jurisdiction.objects.get(name="Durham", state="NC")
    phoenix = Jurisdiction.objects.get(name="Phoenix", state="AZ")
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
