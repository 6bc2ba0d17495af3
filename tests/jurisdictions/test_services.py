import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cohorts.models import CohortMembership
from jurisdictions import services, signals
from jurisdictions.models import MoU, MoUTransition, PaperworkSettings
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortMembershipFactory
from tests.jurisdictions.factories import MoUFactory, SupportLetterFactory, pdf_upload

pytestmark = pytest.mark.django_db

S = MoU.Status


@pytest.fixture
def seat(jurisdiction_a):
    return CohortMembershipFactory(
        jurisdiction=jurisdiction_a, status=CohortMembership.Status.SELECTED
    )


@pytest.fixture
def received():
    calls = {"paperwork_received": [], "membership_enrolled": []}

    def on_paperwork(sender, membership, by, **kwargs):
        calls["paperwork_received"].append((membership.pk, by))

    def on_enrolled(sender, membership, by, **kwargs):
        calls["membership_enrolled"].append((membership.pk, by))

    signals.paperwork_received.connect(on_paperwork)
    signals.membership_enrolled.connect(on_enrolled)
    yield calls
    signals.paperwork_received.disconnect(on_paperwork)
    signals.membership_enrolled.disconnect(on_enrolled)


def _sign(mou, user):
    return services.mou_transition(
        mou=mou,
        to_status=S.SIGNED,
        by=user,
        signed_file=pdf_upload(),
        jurisdiction_signatory="Wanda Page",
        jurisdiction_signatory_title="City Manager",
    )


def test_an_mou_goes_from_drafted_to_countersigned_and_every_step_is_recorded(
    seat, staff_user, contact_a
):
    mou = services.mou_create(membership=seat, by=staff_user)
    services.mou_transition(mou=mou, to_status=S.SENT, by=staff_user)
    _sign(mou, contact_a)
    mou = services.mou_transition(mou=mou, to_status=S.COUNTERSIGNED, by=staff_user)
    assert mou.status == S.COUNTERSIGNED
    assert mou.sent_at and mou.signed_at and mou.countersigned_at
    assert mou.signed_file_name == "signed.pdf"
    steps = list(MoUTransition.objects.filter(mou=mou).values_list("from_status", "to_status"))
    assert steps == [(S.DRAFTED, S.SENT), (S.SENT, S.SIGNED), (S.SIGNED, S.COUNTERSIGNED)]


def test_an_mou_cannot_skip_a_step(seat, staff_user):
    mou = services.mou_create(membership=seat, by=staff_user)
    with pytest.raises(ValidationError, match="cannot become"):
        services.mou_transition(mou=mou, to_status=S.COUNTERSIGNED, by=staff_user)
    assert not MoUTransition.objects.exists()


def test_a_contact_cannot_send_or_countersign_an_mou(seat, contact_a):
    mou = services.mou_create(membership=seat, by=None)
    with pytest.raises(PermissionDenied):
        services.mou_transition(mou=mou, to_status=S.SENT, by=contact_a)


def test_another_jurisdictions_contact_cannot_sign_the_mou(seat, staff_user, contact_b):
    mou = services.mou_create(membership=seat, by=staff_user)
    services.mou_transition(mou=mou, to_status=S.SENT, by=staff_user)
    with pytest.raises(PermissionDenied):
        _sign(mou, contact_b)


def test_signing_needs_the_signed_pdf(seat, staff_user):
    mou = services.mou_create(membership=seat, by=staff_user)
    services.mou_transition(mou=mou, to_status=S.SENT, by=staff_user)
    with pytest.raises(ValidationError) as error:
        services.mou_transition(mou=mou, to_status=S.SIGNED, by=staff_user)
    assert "signed MoU" in str(error.value)


def test_a_signed_mou_that_is_not_a_pdf_is_refused(seat, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    mou = services.mou_create(membership=seat, by=staff_user)
    services.mou_transition(mou=mou, to_status=S.SENT, by=staff_user)
    with pytest.raises(ValidationError) as error:
        services.mou_transition(
            mou=mou,
            to_status=S.SIGNED,
            by=staff_user,
            signed_file=SimpleUploadedFile("mou.pdf", b"\x00\x01binary junk" * 10),
            jurisdiction_signatory="Wanda Page",
        )
    assert "Accepted: PDF" in str(error.value)
    mou.refresh_from_db()
    assert mou.status == S.SENT


def test_a_seat_is_enrolled_only_when_mou_letter_and_point_of_contact_are_all_in(
    seat, staff_user, contact_a, received
):
    mou = services.mou_create(membership=seat, by=staff_user)
    services.mou_transition(mou=mou, to_status=S.SENT, by=staff_user)
    _sign(mou, contact_a)
    seat.refresh_from_db()
    assert seat.status == CohortMembership.Status.SELECTED
    assert received["paperwork_received"] == []

    services.support_letter_create(
        jurisdiction_id=seat.jurisdiction_id,
        membership=seat,
        signer_name="Elaine O'Neal",
        signer_title="Mayor",
        office="Office of the Mayor",
        dated=dt.date(2021, 8, 10),
        upload=pdf_upload("letter.pdf"),
        by=contact_a,
    )
    seat.refresh_from_db()
    assert seat.status == CohortMembership.Status.SELECTED
    assert seat.paperwork_received_at is not None
    assert received["paperwork_received"] == [(seat.pk, contact_a)]

    services.point_of_contact_change(membership=seat, new=contact_a, reason="", by=staff_user)
    seat.refresh_from_db()
    assert seat.status == CohortMembership.Status.ENROLLED
    assert seat.enrolled_at is not None
    assert received["membership_enrolled"] == [(seat.pk, staff_user)]
    assert received["paperwork_received"] == [(seat.pk, contact_a)]  # sent once


def test_a_point_of_contact_designated_first_enrols_when_the_paperwork_lands(
    seat, staff_user, contact_a, received
):
    services.point_of_contact_change(membership=seat, new=contact_a, reason="", by=staff_user)
    SupportLetterFactory(membership=seat)
    mou = MoUFactory(membership=seat, status=S.SENT, sent_at=timezone.now())
    _sign(mou, staff_user)
    seat.refresh_from_db()
    assert seat.status == CohortMembership.Status.ENROLLED
    assert len(received["paperwork_received"]) == 1
    assert len(received["membership_enrolled"]) == 1


def test_changing_the_point_of_contact_needs_a_reason_and_is_recorded(
    seat, staff_user, contact_a, jurisdiction_a
):
    services.point_of_contact_change(membership=seat, new=contact_a, reason="", by=staff_user)
    deputy = UserFactory(contact_jurisdiction=jurisdiction_a, full_name="Deputy Dee")
    with pytest.raises(ValidationError, match="Say why"):
        services.point_of_contact_change(membership=seat, new=deputy, reason=" ", by=contact_a)
    change = services.point_of_contact_change(
        membership=seat, new=deputy, reason="Dana moved to the county", by=contact_a
    )
    assert change.previous == contact_a and change.new == deputy and change.changed_by == contact_a
    seat.refresh_from_db()
    assert seat.point_of_contact == deputy
    assert seat.point_of_contact_changes.count() == 2


def test_the_point_of_contact_must_be_a_contact_of_the_seats_jurisdiction(
    seat, staff_user, contact_b
):
    with pytest.raises(ValidationError, match="is not a contact of"):
        services.point_of_contact_change(membership=seat, new=contact_b, reason="", by=staff_user)


def test_a_support_letter_dated_in_the_future_is_refused(seat, contact_a):
    with pytest.raises(ValidationError, match="future"):
        services.support_letter_create(
            jurisdiction_id=seat.jurisdiction_id,
            membership=seat,
            signer_name="A",
            signer_title="Mayor",
            office="Mayor",
            dated=timezone.localdate() + dt.timedelta(days=30),
            upload=pdf_upload(),
            by=contact_a,
        )


def test_a_support_letter_is_dated_by_the_jurisdictions_own_day(jurisdiction_b, contact_b):
    # 05:30 UTC on Dec 3 is still Dec 2 in Phoenix: a letter dated the 3rd is not signed yet.
    seat = CohortMembershipFactory(jurisdiction=jurisdiction_b)
    letter = {
        "jurisdiction_id": jurisdiction_b.pk,
        "membership": seat,
        "signer_name": "A",
        "signer_title": "Mayor",
        "office": "Mayor",
        "upload": pdf_upload(),
        "by": contact_b,
    }
    with time_machine.travel(dt.datetime(2026, 12, 3, 5, 30, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValidationError, match="it is Dec 2, 2026 in Phoenix"):
            services.support_letter_create(**letter, dated=dt.date(2026, 12, 3))
        created = services.support_letter_create(**letter, dated=dt.date(2026, 12, 2))
    assert created.dated == dt.date(2026, 12, 2)


def test_a_withdrawn_seat_is_never_enrolled(seat, staff_user, contact_a, received):
    seat.status = CohortMembership.Status.WITHDRAWN
    seat.save()
    services.point_of_contact_change(membership=seat, new=contact_a, reason="", by=staff_user)
    SupportLetterFactory(membership=seat)
    assert services.membership_enrol_if_complete(membership=seat, by=staff_user) is False
    assert received["membership_enrolled"] == []


def test_an_mou_waiting_in_sent_gets_one_reminder_per_window(
    seat, staff_user, contact_a, django_capture_on_commit_callbacks
):
    PaperworkSettings.objects.update_or_create(
        pk=1, defaults={"mou_reminder_after_days": 10, "mou_reminder_every_days": 7}
    )
    seat.point_of_contact = contact_a
    seat.save()
    with time_machine.travel(dt.datetime(2021, 8, 2, 14, tzinfo=dt.UTC), tick=False):
        mou = services.mou_create(membership=seat, by=staff_user)
        services.mou_transition(mou=mou, to_status=S.SENT, by=staff_user)
    with time_machine.travel(dt.datetime(2021, 8, 11, 14, tzinfo=dt.UTC), tick=False):
        assert services.mou_reminders_send() == 0  # nine days: not yet
    with (
        time_machine.travel(dt.datetime(2021, 8, 12, 15, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.mou_reminders_send() == 1
        assert services.mou_reminders_send() == 0  # the same window: nothing new
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [contact_a.email]
    assert "waiting for a signature" in mail.outbox[0].subject
    assert "10 days ago" in mail.outbox[0].body
    with (
        time_machine.travel(dt.datetime(2021, 8, 19, 15, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.mou_reminders_send() == 1
    mou.refresh_from_db()
    assert mou.last_reminded_at is not None


def test_a_signed_mou_gets_no_reminder(seat, staff_user, contact_a):
    seat.point_of_contact = contact_a
    seat.save()
    MoUFactory(membership=seat, status=S.SIGNED, sent_at=timezone.now() - dt.timedelta(days=90))
    assert services.mou_reminders_send() == 0


def test_the_reminder_task_is_scheduled_by_celery_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["jurisdictions-mou-reminders"]
    assert entry["task"] == "jurisdictions.tasks.mou_reminders_task"
    from jurisdictions.tasks import mou_reminders_task

    assert mou_reminders_task.delay().get() == 0
