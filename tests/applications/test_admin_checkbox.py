"""The review list offers a checkbox per application and the select-all box."""

import pytest

from tests.applications.factories import CompleteApplicationFactory

pytestmark = pytest.mark.django_db


def test_the_review_list_shows_a_checkbox_per_application_and_the_select_all_box(staff_client):
    applications = [CompleteApplicationFactory() for _ in range(2)]
    page = staff_client.get("/admin/applications/application/").content.decode()
    assert 'id="action-toggle"' in page
    for application in applications:
        assert f'name="_selected_action" value="{application.pk}" class="action-select"' in page
