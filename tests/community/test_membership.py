import pytest
from django.core import mail

from community.models import ApprovedDomain, Membership
from community.services import (
    MembershipError,
    email_is_government,
    membership_add_not_selected_applicant,
    membership_decide,
    membership_register,
)
from tests.accounts.factories import StaffFactory, UserFactory
from tests.jurisdictions.factories import JurisdictionFactory

pytestmark = pytest.mark.django_db


def _register(email: str, jurisdiction="new", **kwargs):
    arguments = {
        "full_name": "Jo Member",
        "email": email,
        "password": "a-long-enough-password-1",
        "jurisdiction": JurisdictionFactory() if jurisdiction == "new" else jurisdiction,
        "agency": "Office of Community Safety",
        "role": "Program manager",
        "time_zone": "America/Chicago",
    }
    arguments.update(kwargs)
    return membership_register(**arguments)


@pytest.mark.parametrize(
    ("email", "expected"),
    [("a@durhamnc.gov", True), ("a@ci.eugene.or.us", True), ("a@gmail.com", False)],
)
def test_government_domains_are_recognised(email, expected):
    assert email_is_government(email=email, jurisdiction=None) is expected


def test_a_domain_staff_approved_counts_for_its_jurisdiction_only():
    city = JurisdictionFactory()
    ApprovedDomain.objects.create(jurisdiction=city, domain="cityofexample.org")
    assert email_is_government(email="a@cityofexample.org", jurisdiction=city)
    assert email_is_government(email="a@police.cityofexample.org", jurisdiction=city)
    assert not email_is_government(email="a@cityofexample.org", jurisdiction=JurisdictionFactory())


def test_a_gov_address_is_a_member_at_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = _register("jo@tucsonaz.gov")
    assert membership.status == Membership.Status.APPROVED
    assert membership.user.check_password("a-long-enough-password-1")
    assert [m.subject for m in mail.outbox] == ["Welcome to the community of practice"]


def test_another_address_waits_for_staff_who_are_told(django_capture_on_commit_callbacks):
    StaffFactory(email="staff@program.example")
    with django_capture_on_commit_callbacks(execute=True):
        membership = _register("jo@gmail.com")
    assert membership.status == Membership.Status.PENDING
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["jo@gmail.com", "staff@program.example"]


def test_staff_approval_emails_the_person_once(django_capture_on_commit_callbacks):
    membership = _register("jo@gmail.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        membership_decide(membership=membership, approve=True)
        membership_decide(membership=membership, approve=True)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED
    assert len(mail.outbox) == 1


def test_a_new_jurisdiction_can_be_created_when_joining():
    membership = _register(
        "jo@newtown.gov",
        jurisdiction=None,
        new_jurisdiction={"name": "Newtown", "state": "CT", "kind": "city"},
    )
    assert str(membership.jurisdiction) == "Newtown, CT"
    again = _register(
        "sam@newtown.gov",
        jurisdiction=None,
        new_jurisdiction={"name": "newtown", "state": "CT", "kind": "city"},
    )
    assert again.jurisdiction_id == membership.jurisdiction_id


def test_an_existing_account_cannot_join_again():
    UserFactory(email="jo@tucsonaz.gov")
    with pytest.raises(MembershipError):
        _register("JO@tucsonaz.gov")


def test_a_not_selected_applicant_is_added_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    city = JurisdictionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = membership_add_not_selected_applicant(user=user, jurisdiction=city)
        second = membership_add_not_selected_applicant(user=user, jurisdiction=city)
    assert first.pk == second.pk
    assert first.status == Membership.Status.APPROVED
    assert len(mail.outbox) == 1
