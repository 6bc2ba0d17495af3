import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.emails import email_template_get
from applications.models import Application
from applications.services import (
    application_save_answers,
    application_start,
    decision_stage,
    decisions_apply,
    mou_confirm,
    reference_check_record,
    support_letters_request,
)
from tests.applications.factories import (
    ApplicationFactory,
    CompleteApplicationFactory,
    with_contact,
)
from tests.cohorts.factories import CohortFactory

pytestmark = pytest.mark.django_db
S = Application.Status


def test_one_application_per_jurisdiction_and_cohort_is_enforced_by_the_database(contact_a):
    from django.db import IntegrityError, transaction

    application = ApplicationFactory(jurisdiction=contact_a.contact_jurisdiction)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(cohort=application.cohort, jurisdiction=application.jurisdiction)


def test_starting_twice_returns_the_same_application(contact_a):
    cohort = CohortFactory()
    first = application_start(
        cohort=cohort, user=contact_a, jurisdiction=contact_a.contact_jurisdiction
    )
    again = application_start(
        cohort=cohort, user=contact_a, jurisdiction=contact_a.contact_jurisdiction
    )
    assert first == again


def test_the_service_refuses_too_many_words_even_without_the_form(contact_a):
    draft = with_contact(ApplicationFactory(), contact_a)
    with pytest.raises(ValidationError, match="501 words"):
        application_save_answers(
            application=draft, answers={"equity_goals": "w " * 501}, short_answers={}
        )


def test_letters_of_support_are_requested_by_email_in_round_2(
    staff_user, contact_a, django_capture_on_commit_callbacks
):
    application = with_contact(CompleteApplicationFactory(status=S.INTERVIEWED), contact_a)
    with django_capture_on_commit_callbacks(execute=True):
        support_letters_request(application=application, by=staff_user)
    assert application.support_letters_requested_at
    assert mail.outbox[0].to == [contact_a.email]
    assert "letters of support" in mail.outbox[0].body


def test_round_2_records_are_refused_outside_round_2(staff_user):
    application = CompleteApplicationFactory(status=S.SUBMITTED)
    with pytest.raises(ValidationError, match="round 2"):
        mou_confirm(application=application, by=staff_user, note="yes")
    with pytest.raises(ValidationError, match="round 2"):
        reference_check_record(
            application=application, name="A", organisation="B",
            called_on=dt.date(2031, 1, 1), notes="", by=staff_user,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="round 2"):
        support_letters_request(application=application, by=staff_user)


def test_the_verbal_mou_confirmation_is_recorded_with_who_and_when(staff_user):
    application = CompleteApplicationFactory(status=S.INTERVIEWED)
    mou_confirm(application=application, by=staff_user, note="City Manager, on the call")
    application.refresh_from_db()
    assert application.mou_confirmed_by == staff_user
    assert timezone.now() - application.mou_confirmed_at < dt.timedelta(minutes=1)


def test_a_decision_that_the_workflow_refuses_cannot_be_staged():
    application = CompleteApplicationFactory(status=S.SUBMITTED)
    with pytest.raises(ValidationError, match="cannot be moved"):
        decision_stage(application=application, decision=S.SELECTED)


def test_applying_staged_decisions_reports_each_refusal(staff_user):
    cohort = CohortFactory()
    ok = CompleteApplicationFactory(cohort=cohort, status=S.ROUND1_REVIEW)
    decision_stage(application=ok, decision=S.INVITED_ROUND2)
    stale = CompleteApplicationFactory(cohort=cohort, status=S.ROUND1_REVIEW)
    decision_stage(application=stale, decision=S.DECLINED)
    Application.objects.filter(pk=stale.pk).update(status=S.WITHDRAWN)
    applied, errors = decisions_apply(cohort=cohort, by=staff_user)
    assert applied == 1 and len(errors) == 1 and "cannot move to" in errors[0]


def test_email_templates_are_copied_per_cohort_from_the_defaults():
    first, second = CohortFactory(), CohortFactory()
    template = email_template_get(cohort=first, key="selected")
    template.body = "Edited"
    template.save()
    assert email_template_get(cohort=second, key="selected").body.startswith("Hello")
    assert email_template_get(cohort=first, key="selected").body == "Edited"


def test_a_letter_uploaded_after_selection_completes_the_seats_enrolment(contact_a, staff_user):
    from applications.services import support_letter_add
    from cohorts.models import CohortMembership
    from tests.applications.factories import pdf_upload
    from tests.jurisdictions.factories import MoUFactory

    application = CompleteApplicationFactory(jurisdiction=contact_a.contact_jurisdiction)
    with_contact(application, contact_a)
    Application.objects.filter(pk=application.pk).update(status=S.SELECTED)
    application.refresh_from_db()
    mou = MoUFactory(
        membership__cohort=application.cohort,
        membership__jurisdiction=application.jurisdiction,
        membership__point_of_contact=contact_a,
        status="signed",
        signed_at=timezone.now(),
    )
    support_letter_add(
        application=application,
        upload=pdf_upload(1, "letter.pdf"),
        signer_name="Ada Mayor",
        signer_title="Mayor",
        office="Office of the Mayor",
        dated=dt.date(2031, 4, 1),
        by=contact_a,
    )
    membership = CohortMembership.objects.get(pk=mou.membership_id)
    assert membership.status == CohortMembership.Status.ENROLLED
    application.refresh_from_db()
    assert application.status == S.ENROLLED


def _drafts(cohort, **bodies):
    from applications.services import EmailDraft

    drafts = {}
    for key in ["invited_round2", "declined", "selected", "not_selected"]:
        template = email_template_get(cohort=cohort, key=key)
        drafts[key] = EmailDraft(subject=template.subject, body=bodies.get(key, template.body))
    return drafts


def test_decisions_go_out_with_the_email_wording_saved_with_them(
    staff_user, django_capture_on_commit_callbacks
):
    from applications.services import decisions_apply_with_emails
    from tests.accounts.factories import UserFactory
    from tests.applications.factories import with_contact

    cohort = CohortFactory()
    application = with_contact(
        CompleteApplicationFactory(cohort=cohort, status=S.ROUND1_REVIEW), UserFactory()
    )
    decision_stage(application=application, decision=S.DECLINED)
    drafts = _drafts(cohort, declined="Dear {{ jurisdiction }}, not this time.")
    with django_capture_on_commit_callbacks(execute=True):
        applied, errors = decisions_apply_with_emails(cohort=cohort, drafts=drafts, by=staff_user)
    assert (applied, errors) == (1, [])
    assert email_template_get(cohort=cohort, key="declined").body.endswith("not this time.")
    assert any(m.body == f"Dear {application.jurisdiction}, not this time." for m in mail.outbox)


def test_a_failure_while_applying_keeps_the_old_email_wording(staff_user, monkeypatch):
    from applications.services import decisions_apply_with_emails, round2

    cohort = CohortFactory()
    before = email_template_get(cohort=cohort, key="declined").body

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(round2, "decisions_apply", broken)
    with pytest.raises(RuntimeError):
        decisions_apply_with_emails(
            cohort=cohort, drafts=_drafts(cohort, declined="New words"), by=staff_user
        )
    assert email_template_get(cohort=cohort, key="declined").body == before


def test_a_refused_file_saves_neither_the_answers_nor_the_file(contact_a):
    from applications.services import application_save_with_document
    from tests.applications.factories import ApplicationFactory

    application = ApplicationFactory(partners="Before")
    upload = SimpleUploadedFile("plan.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        application_save_with_document(
            application=application, answers={"partners": "After"}, short_answers={},
            upload=upload, by=contact_a,
        )  # fmt: skip
    assert "document" in caught.value.message_dict
    application.refresh_from_db()
    assert application.partners == "Before" and not application.documents.exists()
