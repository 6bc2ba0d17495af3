"""Django's admin sidebar follows each person's permissions; the review list links each row."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.accounts.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _sidebar(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('<nav class="sticky" id="nav-sidebar"')
    return page[start : page.index("</nav>", start)]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _clerk(*codenames: str):
    """Admin access without the program-staff role: only the model permissions given."""
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return clerk


def test_the_sidebar_follows_a_permission_granted_or_taken_on_the_next_page():
    clerk = _clerk("view_cohort")
    client = _client(clerk)
    page = "/admin/cohorts/cohort/"
    assert "/admin/auth/group/" not in _sidebar(client, page)

    clerk.user_permissions.add(Permission.objects.get(codename="view_group"))
    sidebar = _sidebar(client, page)
    assert "/admin/auth/group/" in sidebar
    assert "/admin/auth/group/add/" not in sidebar

    clerk.user_permissions.add(Permission.objects.get(codename="add_group"))
    assert "/admin/auth/group/add/" in _sidebar(client, page)

    clerk.user_permissions.clear()
    clerk.user_permissions.add(Permission.objects.get(codename="view_cohort"))
    assert "/admin/auth/group/" not in _sidebar(client, page)


def test_two_people_with_different_permissions_each_see_their_own_sidebar():
    plain = _client(_clerk("view_cohort"))
    groups = _client(_clerk("view_cohort", "view_group"))
    for _ in range(2):  # a second round of pages answers as the first did
        assert "/admin/auth/group/" not in _sidebar(plain, "/admin/cohorts/cohort/")
        assert "/admin/auth/group/" in _sidebar(groups, "/admin/cohorts/cohort/")


def test_the_sidebar_marks_the_page_being_shown():
    client = _client(StaffFactory())
    for url, app, model in [
        ("/admin/cohorts/cohort/", "cohorts", "cohort"),
        ("/admin/applications/application/", "applications", "application"),
        ("/admin/cohorts/cohort/", "cohorts", "cohort"),
    ]:
        sidebar = _sidebar(client, url)
        current = re.findall(r'<tr class="model-(\w+) current-model">', sidebar)
        assert current == [model]
        assert sidebar.count('aria-current="page"') == 1
        assert f'class="app-{app} module current-app"' in sidebar


def test_each_row_of_the_applications_list_links_to_its_own_pages():
    from tests.applications.factories import ApplicationFactory

    first, second = ApplicationFactory(), ApplicationFactory()
    client = _client(StaffFactory())
    page = client.get("/admin/applications/application/").content.decode()
    for application in (first, second):
        assert f'href="/admin/applications/application/{application.pk}/change/"' in page
        assert f'href="/applications/{application.pk}/"' in page
