"""Cohort and CohortMembership moved into this app (cohorts 0001): a database made before the
move keeps its rows, and the permissions staff groups held on the old models."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Unapplying cohorts unapplies what depends on it (applications 0004, jurisdictions 0005).
BEFORE = [("cohorts", None)]


def _migrate(targets):
    """Migrate to `targets` and return the models as they are there."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


@pytest.fixture
def latest_migrations_after():
    yield
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_migrations_after")
def test_a_database_from_before_the_move_keeps_its_seats_and_group_permissions():
    old = _migrate(BEFORE)
    content_type = old.get_model("contenttypes", "ContentType")
    cohort_type, _ = content_type.objects.get_or_create(app_label="applications", model="cohort")
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=cohort_type, codename="change_cohort", defaults={"name": "Can change cohort"}
    )
    group = old.get_model("auth", "Group").objects.create(name="Cohort clerks")
    group.permissions.add(permission)
    cohort = old.get_model("applications", "Cohort").objects.create(
        name="2021–2022 Implementation Cohort", slug="2021-2022", opens_at="2021-01-01T00:00Z",
        closes_at="2021-03-01T00:00Z", starts_on="2021-09-01",
    )  # fmt: skip
    jurisdiction = old.get_model("jurisdictions", "Jurisdiction").objects.create(
        name="Durham", kind="city", state="NC"
    )
    old.get_model("jurisdictions", "CohortMembership").objects.create(
        cohort=cohort, jurisdiction=jurisdiction
    )

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    seat = new.get_model("cohorts", "CohortMembership").objects.get()
    assert (seat.cohort.slug, seat.jurisdiction.name) == ("2021-2022", "Durham")
    assert new.get_model("applications", "Application")._meta.get_field("cohort").related_model
    held = new.get_model("auth", "Group").objects.get(name="Cohort clerks").permissions.get()
    assert (held.content_type.app_label, held.codename) == ("cohorts", "change_cohort")
    assert (
        not new.get_model("contenttypes", "ContentType")
        .objects.filter(app_label="applications", model="cohort")
        .exists()
    )
