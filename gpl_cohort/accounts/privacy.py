"""Personal data of one person, on request: export everything we hold, or erase it.

Found generically, so a new model is covered the day it is added: every row that points at the
person through a foreign key or one-to-one field, and every row whose email field holds the
person's address (newsletter subscriptions, email deliveries). Erasure deletes rows that exist
only for the person (their foreign key cascades), detaches rows that allow it (SET_NULL), and
for records the program must keep (a point of contact on a signed MoU, a review) leaves the row
pointing at an anonymised account.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db import models, transaction
from django.utils import timezone

from gpl_cohort.accounts.models import User

ERASED_NAME = "Erased person"


def _user_relations() -> list[models.ForeignObjectRel]:
    return [
        related
        for related in User._meta.related_objects
        if related.related_model._meta.managed and not related.many_to_many
    ]


def _email_fields() -> list[tuple[type[models.Model], str]]:
    found = []
    for model in apps.get_models():
        if model is User or not model._meta.managed:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.EmailField):
                found.append((model, field.name))
    return found


def person_data_export(*, user: User) -> dict[str, Any]:
    """Everything held about one person, as JSON-ready data grouped by model."""
    export: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "person": json.loads(
            serializers.serialize(
                "json",
                [user],
                fields=["email", "full_name", "title", "phone", "time_zone", "date_joined"],
            )
        )[0]["fields"],
        "records": {},
    }
    for related in _user_relations():
        model = related.related_model
        rows = model._default_manager.filter(**{related.field.name: user})
        if rows.exists():
            export["records"].setdefault(model._meta.label, []).extend(
                json.loads(serializers.serialize("json", rows))
            )
    for model, field_name in _email_fields():
        rows = model._default_manager.filter(**{f"{field_name}__iexact": user.email})
        if rows.exists():
            export["records"].setdefault(model._meta.label, []).extend(
                json.loads(serializers.serialize("json", rows))
            )
    return export


@transaction.atomic
def person_erase(*, user: User) -> dict[str, int]:
    """Erase one person's personal data; returns how many rows were deleted or anonymised."""
    counts: dict[str, int] = {}
    email = user.email
    for related in _user_relations():
        model = related.related_model
        rows = model._default_manager.filter(**{related.field.name: user})
        on_delete = related.on_delete
        if on_delete is models.CASCADE:
            deleted, _ = rows.delete()
            counts[f"deleted {model._meta.label}"] = deleted
        elif on_delete is models.SET_NULL:
            counts[f"detached {model._meta.label}"] = rows.update(**{related.field.name: None})
    for model, field_name in _email_fields():
        rows = model._default_manager.filter(**{f"{field_name}__iexact": email})
        count = rows.count()
        if count:
            try:
                deleted, _ = rows.delete()
                counts[f"deleted {model._meta.label}"] = deleted
            except models.ProtectedError:
                rows.update(**{field_name: f"erased-{user.pk}@invalid.example"})
                counts[f"anonymised {model._meta.label}"] = count
    user.email = f"erased-{user.pk}@invalid.example"
    user.full_name = ERASED_NAME
    user.title = ""
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    counts["anonymised accounts.User"] = 1
    return counts
