"""Every transition of the selection pipeline: allowed ones succeed, all others are refused."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from applications import workflow
from applications.models import Application, ApplicationTransition
from applications.services import TransitionError, application_transition
from cohorts.models import CohortMembership
from community.models import Membership
from gpl_cohort.outbox.models import EmailDelivery
from tests.accounts.factories import UserFactory
from tests.applications.factories import (
    CompleteApplicationFactory,
    InterviewFactory,
    ReferenceCheckFactory,
    with_contact,
)

pytestmark = pytest.mark.django_db

S = Application.Status
ALL_PAIRS = [(a, b) for a in S.values for b in S.values if a != b]
ALLOWED = {(t.source, t.target) for t in workflow.TRANSITIONS}


def _actor_for(step, staff_user, applicant):
    if workflow.STAFF in step.actors:
        return staff_user
    if workflow.APPLICANT in step.actors:
        return applicant
    return None


def _application_in(status, applicant):
    application = with_contact(CompleteApplicationFactory(status=status), applicant)
    InterviewFactory(application=application)
    ReferenceCheckFactory(application=application)
    if status in (S.SELECTED, S.PAPERWORK_RECEIVED):
        _complete_seat(application, applicant)
    return application


def _complete_seat(application, point_of_contact):
    """A selected seat with its MoU signed, a leadership letter and a point of contact."""
    from django.core.files.base import ContentFile

    from jurisdictions.models import MoU, SupportLetter

    seat, _ = CohortMembership.objects.get_or_create(
        cohort=application.cohort,
        jurisdiction=application.jurisdiction,
        defaults={"status": CohortMembership.Status.SELECTED},
    )
    seat.point_of_contact = point_of_contact
    seat.save()
    MoU.objects.get_or_create(membership=seat, defaults={"status": MoU.Status.SIGNED})
    letter = SupportLetter(
        jurisdiction=application.jurisdiction, application=application, membership=seat,
        signer_name="Mayor", signer_title="Mayor", office="Office of the Mayor",
        dated=dt.date(2031, 1, 1),
    )  # fmt: skip
    letter.file.save("letter.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return seat


@pytest.mark.parametrize("step", workflow.TRANSITIONS, ids=lambda t: f"{t.source}->{t.target}")
def test_every_allowed_transition_moves_the_application_and_is_recorded(step, staff_user):
    applicant = UserFactory()
    application = _application_in(step.source, applicant)
    by = _actor_for(step, staff_user, applicant)
    record = application_transition(
        application=application, to_status=step.target, by=by, comment="on request"
    )
    application.refresh_from_db()
    assert application.status == step.target
    assert (record.from_status, record.to_status, record.by) == (step.source, step.target, by)
    assert record.comment == "on request"
    assert ApplicationTransition.objects.filter(application=application).count() == 1


@pytest.mark.parametrize("source", S.values)
def test_every_other_transition_is_refused_with_a_message(source, staff_user):
    applicant = UserFactory()
    application = _application_in(source, applicant)
    refused = [b for (a, b) in ALL_PAIRS if a == source and (a, b) not in ALLOWED]
    assert refused
    for target in refused:
        with pytest.raises(TransitionError, match="cannot move to"):
            application_transition(application=application, to_status=target, by=staff_user)
        application.refresh_from_db()
        assert application.status == source
    assert not ApplicationTransition.objects.exists()


def test_an_applicant_cannot_make_a_staff_transition(contact_a):
    application = _application_in(S.SUBMITTED, contact_a)
    with pytest.raises(TransitionError) as error:
        application_transition(application=application, to_status=S.ROUND1_REVIEW, by=contact_a)
    assert error.value.code == "forbidden"


def test_staff_cannot_submit_on_behalf_of_an_applicant(staff_user, contact_a):
    application = _application_in(S.DRAFT, contact_a)
    with pytest.raises(TransitionError, match="may not"):
        application_transition(application=application, to_status=S.SUBMITTED, by=staff_user)


def test_an_outsider_cannot_submit_someone_elses_application(contact_a, contact_b):
    application = _application_in(S.DRAFT, contact_a)
    with pytest.raises(TransitionError):
        application_transition(application=application, to_status=S.SUBMITTED, by=contact_b)


def test_an_unknown_status_is_refused(staff_user, contact_a):
    application = _application_in(S.SUBMITTED, contact_a)
    with pytest.raises(TransitionError, match="not a status"):
        application_transition(application=application, to_status="approved", by=staff_user)


def test_withdrawing_needs_a_reason(staff_user, contact_a):
    application = _application_in(S.SUBMITTED, contact_a)
    with pytest.raises(TransitionError, match="comment"):
        application_transition(application=application, to_status=S.WITHDRAWN, by=staff_user)


def test_submitting_after_the_window_closed_is_refused_in_the_cohorts_time(contact_a):
    application = _application_in(S.DRAFT, contact_a)
    cohort = application.cohort
    cohort.opens_at = timezone.now() - dt.timedelta(days=30)
    cohort.closes_at = timezone.now() - dt.timedelta(minutes=1)
    cohort.save()
    with pytest.raises(TransitionError, match="is closed") as error:
        application_transition(application=application, to_status=S.SUBMITTED, by=contact_a)
    assert "(America/New_York)" in str(error.value)


def test_submitting_an_incomplete_application_names_what_is_missing(contact_a):
    application = _application_in(S.DRAFT, contact_a)
    application.equity_goals = ""
    application.save()
    with pytest.raises(TransitionError, match="equity goals"):
        application_transition(application=application, to_status=S.SUBMITTED, by=contact_a)


def test_submitting_over_500_words_is_refused(contact_a):
    application = _application_in(S.DRAFT, contact_a)
    application.collaboration = "word " * 490
    application.save()
    with pytest.raises(TransitionError, match="may not exceed 500"):
        application_transition(application=application, to_status=S.SUBMITTED, by=contact_a)


def test_submitting_emails_every_contact_a_copy_of_the_answers(
    contact_a, django_capture_on_commit_callbacks
):
    colleague = UserFactory(email="colleague@durhamnc.gov")
    application = with_contact(_application_in(S.DRAFT, contact_a), colleague)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, to_status=S.SUBMITTED, by=contact_a)
    application.refresh_from_db()
    assert application.submitted_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@durhamnc.gov", contact_a.email]
    message = mail.outbox[0]
    assert "Application received" in message.subject
    (filename, content, mimetype) = message.attachments[0]
    assert filename.endswith(".html") and mimetype == "text/html"
    assert "weekly working group" in content


def test_declining_invites_every_contact_to_the_community_once(
    staff_user, contact_a, django_capture_on_commit_callbacks
):
    application = _application_in(S.ROUND1_REVIEW, contact_a)
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, to_status=S.DECLINED, by=staff_user)
    membership = Membership.objects.get(user=contact_a)
    assert membership.status == Membership.Status.APPROVED
    invitations = EmailDelivery.objects.filter(message_key=f"community-invitation:{contact_a.pk}")
    assert invitations.count() == 1


def test_selection_creates_the_cohort_seat_and_links_the_letters(staff_user, contact_a):
    from tests.jurisdictions.factories import JurisdictionFactory  # noqa: F401

    application = _application_in(S.REFERENCES_CHECKED, contact_a)
    application_transition(application=application, to_status=S.SELECTED, by=staff_user)
    seat = CohortMembership.objects.get(
        cohort=application.cohort, jurisdiction=application.jurisdiction
    )
    assert seat.status == CohortMembership.Status.SELECTED and seat.selected_at


def test_withdrawing_a_selected_application_gives_up_its_seat_in_the_audit_log(
    staff_user, contact_a
):
    from auditlog.models import LogEntry

    application = _application_in(S.SELECTED, contact_a)
    seat = CohortMembership.objects.get(
        cohort=application.cohort, jurisdiction=application.jurisdiction
    )
    application_transition(
        application=application, to_status=S.WITHDRAWN, by=staff_user, comment="Council vote"
    )
    seat.refresh_from_db()
    assert seat.status == CohortMembership.Status.WITHDRAWN
    entry = LogEntry.objects.get_for_object(seat).filter(action=LogEntry.Action.UPDATE).first()
    assert entry is not None and entry.changes_dict["status"] == ["selected", "withdrawn"]


def test_the_jurisdictions_signals_move_a_selected_application_to_enrolled(staff_user, contact_a):
    from jurisdictions import signals

    application = _application_in(S.REFERENCES_CHECKED, contact_a)
    application_transition(application=application, to_status=S.SELECTED, by=staff_user)
    seat = _complete_seat(application, contact_a)
    signals.paperwork_received.send(sender=CohortMembership, membership=seat, by=None)
    application.refresh_from_db()
    assert application.status == S.PAPERWORK_RECEIVED
    signals.membership_enrolled.send(sender=CohortMembership, membership=seat, by=None)
    signals.membership_enrolled.send(sender=CohortMembership, membership=seat, by=None)
    application.refresh_from_db()
    assert application.status == S.ENROLLED
    actors = list(application.transitions.values_list("actor", flat=True))
    assert actors == ["staff", "system", "system"]


def test_the_enrolment_signal_also_completes_the_paperwork_step(staff_user, contact_a):
    from jurisdictions import signals

    application = _application_in(S.REFERENCES_CHECKED, contact_a)
    application_transition(application=application, to_status=S.SELECTED, by=staff_user)
    seat = _complete_seat(application, contact_a)
    signals.membership_enrolled.send(sender=CohortMembership, membership=seat, by=None)
    application.refresh_from_db()
    assert application.status == S.ENROLLED


def test_every_effect_the_workflow_names_is_done_by_some_app():
    # community's invitation is registered from community/apps.py, the others here.
    from applications.services.transitions import EFFECTS, effects_check

    named = {effect for step in workflow.TRANSITIONS for effect in step.effects}
    assert named <= set(EFFECTS), named - set(EFFECTS)
    assert effects_check() == []  # the system check `manage.py check` runs


def test_every_state_has_both_labels_and_every_email_template_exists():
    from django.template.loader import get_template

    for status in S.values:
        assert workflow.staff_label(status) and workflow.applicant_label(status)
    for key in workflow.email_keys():
        get_template(f"applications/email/{key}.txt")
        get_template(f"applications/email/{key}_subject.txt")


def test_the_jurisdictions_enrolment_check_carries_a_selected_application_to_enrolled(
    staff_user, contact_a
):
    """Integration with jurisdictions.services: MoU signed + letter + point of contact."""
    from django.core.files.base import ContentFile

    from jurisdictions.models import MoU, SupportLetter
    from jurisdictions.services import membership_enrol_if_complete

    application = _application_in(S.REFERENCES_CHECKED, contact_a)
    application_transition(application=application, to_status=S.SELECTED, by=staff_user)
    seat = CohortMembership.objects.get(jurisdiction=application.jurisdiction)
    MoU.objects.create(membership=seat, status=MoU.Status.SIGNED)
    letter = SupportLetter(
        jurisdiction=application.jurisdiction, application=application, membership=seat,
        signer_name="Mayor", signer_title="Mayor", office="Office of the Mayor",
        dated=dt.date(2031, 1, 1),
    )  # fmt: skip
    letter.file.save("letter.pdf", ContentFile(b"%PDF-1.4"), save=True)
    membership_enrol_if_complete(membership=seat, by=staff_user)
    application.refresh_from_db()
    assert application.status == S.PAPERWORK_RECEIVED
    seat.point_of_contact = contact_a
    seat.save()
    membership_enrol_if_complete(membership=seat, by=staff_user)
    application.refresh_from_db()
    assert application.status == S.ENROLLED


def test_staff_cannot_mark_enrolment_before_the_seats_paperwork_is_complete(staff_user, contact_a):
    application = with_contact(CompleteApplicationFactory(status=S.SELECTED), contact_a)
    with pytest.raises(TransitionError, match="no cohort seat"):
        application_transition(
            application=application, to_status=S.PAPERWORK_RECEIVED, by=staff_user
        )
    CohortMembership.objects.create(
        cohort=application.cohort, jurisdiction=application.jurisdiction, status="selected"
    )
    with pytest.raises(TransitionError, match="signed MoU, leadership support letter"):
        application_transition(
            application=application, to_status=S.PAPERWORK_RECEIVED, by=staff_user
        )
    seat = _complete_seat(application, contact_a)
    seat.point_of_contact = None
    seat.save()
    application_transition(application=application, to_status=S.PAPERWORK_RECEIVED, by=staff_user)
    with pytest.raises(TransitionError, match="Still missing: point of contact"):
        application_transition(application=application, to_status=S.ENROLLED, by=staff_user)
    seat.point_of_contact = contact_a
    seat.save()
    application_transition(application=application, to_status=S.ENROLLED, by=staff_user)
    seat.refresh_from_db()
    assert seat.status == CohortMembership.Status.ENROLLED and seat.enrolled_at
