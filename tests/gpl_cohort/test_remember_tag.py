"""`{% remember %}`: the navigation kept per process for the roles and page it depends on."""

import pytest
from django.template import Context, Template, TemplateSyntaxError

pytestmark = pytest.mark.django_db


def test_the_navigation_of_one_role_never_appears_for_another(
    staff_client, practitioner_client, contact_a_client
):
    for _ in range(2):  # the second round is served from what the first remembered
        staff = staff_client.get("/home/").content.decode()
        practitioner = practitioner_client.get("/home/").content.decode()
        contact = contact_a_client.get("/home/").content.decode()
        assert "Administration" in staff and "Administration" not in practitioner
        assert "Log this week" in contact and "Log this week" not in staff + practitioner
        assert "Community sessions" in practitioner and "Community sessions" not in contact


def test_the_current_page_is_marked_in_the_remembered_navigation(practitioner_client):
    home = practitioner_client.get("/home/").content.decode()
    sessions = practitioner_client.get("/community/sessions/").content.decode()
    assert 'active" aria-current="page" href="/home/"' in home
    assert 'active" aria-current="page" href="/home/"' not in sessions
    assert 'nav-link active" href="/community/sessions/"' in sessions


def test_remember_keeps_one_output_per_value_and_needs_a_value():
    template = Template("{% remember who %}{{ who }} {{ other }}{% endremember %}")
    assert template.render(Context({"who": "a", "other": 1})) == "a 1"
    assert template.render(Context({"who": "b", "other": 2})) == "b 2"
    # Whatever is not named is taken from the first rendering: only name-complete blocks use it.
    assert template.render(Context({"who": "a", "other": 3})) == "a 1"
    with pytest.raises(TemplateSyntaxError):
        Template("{% remember %}x{% endremember %}")


def test_a_permission_named_in_the_key_is_asked_once_per_rendering():
    asked = []

    class Perms:
        def __getitem__(self, app_label):
            return {"view_resource": asked.append(app_label) or True}

    template = Template(
        "{% remember perms.jurisdictions.view_resource %}"
        "{% if perms.jurisdictions.view_resource %}resources{% endif %}{% endremember %}"
    )
    assert template.render(Context({"perms": Perms()})) == "resources"
    assert asked == ["jurisdictions"]
