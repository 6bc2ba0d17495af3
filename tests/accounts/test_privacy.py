import json

import pytest
from django.core.management import call_command

from community.models import Membership
from gpl_cohort.accounts.privacy import ERASED_NAME, person_data_export, person_erase
from gpl_cohort.outbox.models import EmailDelivery
from gpl_cohort.outbox.services import email_queue
from tests.community.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_person_and_every_record_that_points_at_them(contact_a):
    MembershipFactory(user=contact_a)
    email_queue(message_key="hello", recipients=[contact_a.email], subject="Hi", text="Hi")
    export = person_data_export(user=contact_a)
    assert export["person"]["email"] == "contact@durhamnc.gov"
    assert "community.Membership" in export["records"]
    assert export["records"]["outbox.EmailDelivery"][0]["fields"]["subject"] == "Hi"
    json.dumps(export, default=str)


def test_erasure_deletes_personal_rows_and_anonymises_the_account(contact_a, password):
    MembershipFactory(user=contact_a)
    email_queue(message_key="hello", recipients=[contact_a.email], subject="Hi", text="Hi")
    counts = person_erase(user=contact_a)
    contact_a.refresh_from_db()
    assert contact_a.full_name == ERASED_NAME
    assert contact_a.email.endswith("@invalid.example")
    assert not contact_a.is_active and not contact_a.check_password(password)
    assert not Membership.objects.filter(user=contact_a).exists()
    assert not EmailDelivery.objects.filter(recipient="contact@durhamnc.gov").exists()
    assert counts["anonymised accounts.User"] == 1


def test_staff_export_from_the_admin_as_json(staff_client, contact_a):
    response = staff_client.post(
        "/admin/accounts/user/",
        {"action": "export_personal_data", "_selected_action": [contact_a.pk]},
    )
    assert response.status_code == 200
    assert json.loads(response.content)[0]["person"]["email"] == contact_a.email


def test_staff_cannot_erase_their_own_account_from_the_admin(staff_client, staff_user):
    response = staff_client.post(
        "/admin/accounts/user/",
        {"action": "erase_personal_data", "_selected_action": [staff_user.pk]},
        follow=True,
    )
    assert "cannot erase your own account" in response.content.decode()
    staff_user.refresh_from_db()
    assert staff_user.is_active


def test_the_command_refuses_to_erase_without_confirmation(contact_a):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("person_data", "erase", contact_a.email)
