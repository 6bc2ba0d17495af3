"""The answer fields are declared once (applications/answers.py) and every place follows them."""

import pytest
from django.urls import reverse

from applications.answers import ANSWER_FIELDS, ANSWERS, COUNTED_FIELDS, REQUIRED_FIELDS
from applications.api.serializers import ApplicationSerializer
from applications.forms import ApplicationForm
from applications.models import Application
from applications.services import application_answers
from tests.applications.factories import CompleteApplicationFactory

pytestmark = pytest.mark.django_db


def _in_order(names, within):
    return [n for n in within if n in names] == list(names)


def test_every_declared_answer_is_a_field_of_the_application():
    model_fields = {f.name for f in Application._meta.get_fields()}
    assert set(ANSWER_FIELDS) <= model_fields
    assert set(COUNTED_FIELDS) <= set(REQUIRED_FIELDS)
    assert len(set(ANSWER_FIELDS)) == len(ANSWERS)


def test_the_form_asks_every_answer_in_order_with_the_declared_textareas():
    form = ApplicationForm(instance=CompleteApplicationFactory())
    assert _in_order(ANSWER_FIELDS, list(form.fields))
    for answer in ANSWERS:
        if answer.rows:
            assert form.fields[answer.name].widget.attrs["rows"] == answer.rows
        if answer.counted:
            assert form.fields[answer.name].widget.attrs["data-word-counted"] == "true"


def test_the_api_and_the_answer_pages_show_every_answer():
    application = CompleteApplicationFactory(applying_office_other="", team_make_up_other="")
    assert _in_order(ANSWER_FIELDS, ApplicationSerializer.Meta.fields)
    questions = [question for question, _answer in application_answers(application)]
    shown = [a for a in ANSWER_FIELDS if not a.endswith("_other")]  # blank "other" is left out
    labels = [str(Application._meta.get_field(a).verbose_name).capitalize() for a in shown]
    assert questions[: len(labels)] == labels


def test_the_admin_groups_the_answers_in_their_own_fieldset(staff_client):
    application = CompleteApplicationFactory()
    response = staff_client.get(
        reverse("admin:applications_application_change", args=[application.pk])
    )
    assert response.status_code == 200
    fieldsets = response.context["adminform"].fieldsets
    answers = dict(fieldsets)["Answers"]["fields"]
    assert answers == [*ANSWER_FIELDS, "short_answers"]
    assert not set(ANSWER_FIELDS) & set(dict(fieldsets)[None]["fields"])
