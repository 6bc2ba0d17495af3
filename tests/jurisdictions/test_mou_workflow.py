"""The MoU lifecycle is the table in jurisdictions/mou_workflow.py, executed by mou_transition."""

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gpl_cohort.workflow import Transition
from jurisdictions import mou_workflow, services
from jurisdictions.models import MoU, MoUTransition
from tests.jurisdictions.factories import MoUFactory, pdf_upload

pytestmark = pytest.mark.django_db

S = MoU.Status
DECLARED = {(t.source, t.target) for t in mou_workflow.TRANSITIONS}
UNDECLARED = [(a, b) for a in S.values for b in S.values if a != b and (a, b) not in DECLARED]


def _step_inputs(step):
    if "signed_file_attached" in step.guards:
        return {"signed_file": pdf_upload(), "jurisdiction_signatory": "Wanda Page"}
    return {}


@pytest.mark.parametrize("step", mou_workflow.TRANSITIONS, ids=lambda t: f"{t.source}-{t.target}")
def test_every_declared_step_is_taken_by_the_executor_and_logged(
    step, staff_user, contact_a, jurisdiction_a
):
    mou = MoUFactory(status=step.source, membership__jurisdiction=jurisdiction_a)
    by = contact_a if mou_workflow.CONTACT in step.actors else staff_user
    mou = services.mou_transition(mou=mou, to_status=step.target, by=by, **_step_inputs(step))
    assert mou.status == step.target
    logged = MoUTransition.objects.get(mou=mou)
    assert (logged.from_status, logged.to_status, logged.by) == (step.source, step.target, by)


@pytest.mark.parametrize(("source", "target"), UNDECLARED)
def test_every_undeclared_step_is_refused_with_a_message_naming_both_states(
    source, target, staff_user
):
    mou = MoUFactory(status=source)
    expected = f"An MoU that is “{S(source).label}” cannot become “{S(target).label}”."
    with pytest.raises(ValidationError) as error:
        services.mou_transition(mou=mou, to_status=target, by=staff_user)
    assert error.value.messages == [expected]
    mou.refresh_from_db()
    assert mou.status == source
    assert not MoUTransition.objects.exists()


def test_a_status_that_does_not_exist_is_refused(staff_user):
    mou = MoUFactory(status=S.SENT)
    with pytest.raises(ValidationError, match="cannot become “published”"):
        services.mou_transition(mou=mou, to_status="published", by=staff_user)


def test_a_step_the_table_does_not_give_to_the_person_is_refused_by_name(contact_a, jurisdiction_a):
    mou = MoUFactory(status=S.DRAFTED, membership__jurisdiction=jurisdiction_a)
    with pytest.raises(PermissionDenied, match="“send to the jurisdiction”"):
        services.mou_transition(mou=mou, to_status=S.SENT, by=contact_a)


def test_a_step_added_to_the_table_is_taken_with_no_other_change(monkeypatch, staff_user):
    reopen = Transition(S.COUNTERSIGNED, S.DRAFTED, frozenset({"staff"}), "Reopen")
    table = (*mou_workflow.TRANSITIONS, reopen)
    monkeypatch.setattr(
        mou_workflow, "WORKFLOW", dataclasses.replace(mou_workflow.WORKFLOW, transitions=table)
    )
    mou = MoUFactory(status=S.COUNTERSIGNED)
    assert services.mou_allowed_steps(mou=mou, user=staff_user) == [reopen]
    assert services.mou_transition(mou=mou, to_status=S.DRAFTED, by=staff_user).status == S.DRAFTED


def test_each_step_names_only_guards_and_effects_the_service_implements():
    mou_workflow.WORKFLOW.check_names(guards=services.MOU_GUARDS, effects=services.MOU_EFFECTS)


def test_taking_the_mou_back_forgets_when_it_was_sent(staff_user):
    from django.utils import timezone

    mou = MoUFactory(status=S.SENT, sent_at=timezone.now(), last_reminded_at=timezone.now())
    mou = services.mou_transition(mou=mou, to_status=S.DRAFTED, by=staff_user)
    mou.refresh_from_db()
    assert mou.sent_at is None and mou.last_reminded_at is None


def test_the_admin_takes_staff_steps_through_the_service_and_offers_no_signing(staff_client):
    drafted, sent = MoUFactory(status=S.DRAFTED), MoUFactory(status=S.SENT)
    url = reverse("admin:jurisdictions_mou_changelist")
    actions = staff_client.get(url).context["action_form"].fields["action"].choices
    names = [name for name, _label in actions]
    assert "mou_drafted_to_sent" in names and "mou_signed_to_countersigned" in names
    assert "mou_sent_to_signed" not in names  # needs the signed PDF: the seat page only
    response = staff_client.post(
        url,
        {"action": "mou_drafted_to_sent", "_selected_action": [drafted.pk, sent.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 MoU(s): Send to the jurisdiction." in page
    assert "cannot become" in page
    drafted.refresh_from_db()
    assert drafted.status == S.SENT and drafted.sent_at is not None
    assert drafted.transitions.get().note == "In the admin"
