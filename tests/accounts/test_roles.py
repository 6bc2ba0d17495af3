import pytest

from gpl_cohort.accounts.roles import roles_of
from tests.community.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_staff_are_program_staff(staff_user):
    assert roles_of(staff_user).names == ["Program staff"]


def test_a_contact_is_linked_to_exactly_one_jurisdiction(contact_a, jurisdiction_a):
    roles = roles_of(contact_a)
    assert roles.is_contact and roles.jurisdiction_id == jurisdiction_a.pk
    assert not roles.is_practitioner


def test_a_person_may_be_both_contact_and_practitioner(contact_a, jurisdiction_a):
    MembershipFactory(user=contact_a, jurisdiction=jurisdiction_a)
    contact_a.refresh_from_db()
    assert roles_of(contact_a).names == ["Jurisdiction contact", "Practitioner"]


def test_a_pending_community_member_is_not_yet_a_practitioner(db):
    membership = MembershipFactory(status="pending")
    assert not roles_of(membership.user).is_practitioner


def test_an_anonymous_visitor_has_no_role(client):
    from django.contrib.auth.models import AnonymousUser

    assert roles_of(AnonymousUser()).names == []
