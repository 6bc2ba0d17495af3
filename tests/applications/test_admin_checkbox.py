"""The review list's row checkbox, written without a widget template, is Django's markup."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin

from applications.models import Application
from tests.applications.factories import CompleteApplicationFactory

pytestmark = pytest.mark.django_db


def test_the_row_checkbox_is_the_markup_django_renders():
    application = CompleteApplicationFactory()
    model_admin = admin.site._registry[Application]
    assert model_admin.action_checkbox(application) == ModelAdmin.action_checkbox(
        model_admin, application
    )


def test_the_review_list_shows_a_checkbox_per_application_and_the_select_all_box(staff_client):
    applications = [CompleteApplicationFactory() for _ in range(2)]
    page = staff_client.get("/admin/applications/application/").content.decode()
    assert 'id="action-toggle"' in page
    for application in applications:
        assert f'name="_selected_action" value="{application.pk}" class="action-select"' in page
