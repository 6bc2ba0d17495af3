"""Writes about people: users, the program-staff group, roles."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from gpl_cohort.accounts.models import User

PROGRAM_STAFF_GROUP = "Program staff"
# Apps whose models program staff manage in the admin.
STAFF_MANAGED_APPS = (
    "accounts",
    "outbox",
    "cohorts",
    "jurisdictions",
    "applications",
    "coaching",
    "community",
    "calldata",
    "authtoken",
    "auditlog",
    "axes",  # staff unlock an account locked out after failed log-ins
)


def program_staff_group_sync() -> Group:
    """Make sure the "Program staff" group exists and holds every permission on our models."""
    group, _ = Group.objects.get_or_create(name=PROGRAM_STAFF_GROUP)
    installed = {config.label for config in apps.get_app_configs()}
    labels = [label for label in STAFF_MANAGED_APPS if label in installed]
    permissions = Permission.objects.filter(content_type__app_label__in=labels)
    group.permissions.add(*permissions)
    return group


@transaction.atomic
def staff_user_create(*, email: str, full_name: str, password: str | None = None) -> User:
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(program_staff_group_sync())
    return user
