import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps

from gpl_cohort.ops.audit import AUDITED_MODELS
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_every_audited_model_exists_and_is_registered():
    for label in AUDITED_MODELS:
        assert auditlog.contains(apps.get_model(label)), label


def test_a_change_made_through_a_page_is_logged_with_who_made_it(staff_client, staff_user):
    application = ApplicationFactory()
    staff_client.patch(
        f"/api/v1/jurisdictions/{application.jurisdiction_id}/",
        {"population": 123456},
        content_type="application/json",
    )
    entry = (
        LogEntry.objects.get_for_object(application.jurisdiction)
        .filter(action=LogEntry.Action.UPDATE)
        .first()
    )
    assert entry is not None
    assert entry.actor == staff_user
    assert "population" in entry.changes_dict


def test_staff_read_the_audit_log_in_the_admin(staff_client):
    ApplicationFactory()
    response = staff_client.get("/admin/auditlog/logentry/")
    assert response.status_code == 200
