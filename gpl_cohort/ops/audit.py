"""The audit log: who changed what, for the records a government office asks about.

django-auditlog records every create, update and delete of the models below with the person who
made it (its middleware takes the actor from the request) and the field-by-field changes. Staff
read it in the admin ("Log entries"), filtered by model, person and date.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.db.models import Model

logger = logging.getLogger(__name__)

# model label -> fields left out of the log (secrets, big blobs).
AUDITED_MODELS: dict[str, list[str]] = {
    "accounts.User": ["password", "last_login"],
    "applications.Application": [],
    "applications.Review": [],
    "applications.Interview": [],
    "applications.ReferenceCheck": [],
    "applications.ApplicationDocument": [],
    "jurisdictions.Jurisdiction": [],
    "cohorts.CohortMembership": [],
    "jurisdictions.MoU": [],
    "jurisdictions.SupportLetter": [],
    "coaching.CoachingLog": [],
    "coaching.Deliverable": [],
    "calldata.Dataset": ["report", "summary", "progress"],
    "calldata.ColumnMapping": [],
    "calldata.CodeTable": ["entries"],
    "calldata.CallTypeMapping": [],
    "calldata.Scenario": [],
    "calldata.DecisionTree": [],
}


def _reverse_relations(model: type[Model]) -> list[str]:
    """Other models' links to this one: their data, logged with them. django-auditlog would
    read each reverse one-to-one (a query per save, twice for an update) to log its text."""
    return [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]


def audit_register_models() -> list[str]:
    """Register the audited models with django-auditlog; return the labels registered."""
    from auditlog.registry import auditlog

    registered = []
    for label, excluded in AUDITED_MODELS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            # Reported by tests/ops/test_audit.py; never stops the app from starting.
            logger.warning("audit log: model %s does not exist", label)
            continue
        field_names = {f.name for f in model._meta.get_fields()}
        auditlog.register(
            model,
            exclude_fields=[f for f in excluded if f in field_names] + _reverse_relations(model),
        )
        registered.append(label)
    return registered
