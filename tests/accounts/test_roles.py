import pytest

from gpl_cohort.accounts.roles import REGISTERED_ROLES, role_register, roles_of
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


def test_each_role_an_app_answers_is_registered_by_its_app():
    # community answers is_practitioner and applications is_applicant (their apps.py), so that
    # accounts imports neither.
    from gpl_cohort.accounts import roles

    assert set(roles._QUESTIONS) == set(REGISTERED_ROLES) == {"is_practitioner", "is_applicant"}


def test_a_role_that_roles_does_not_know_cannot_be_registered():
    with pytest.raises(ValueError, match="is_reviewer"):
        role_register("is_reviewer", ask=lambda user: True)


def test_a_user_loaded_without_the_session_answers_asks_each_app(contact_a):
    from gpl_cohort.accounts.models import User
    from tests.applications.factories import ApplicationFactory, with_contact

    assert not roles_of(User.objects.get(pk=contact_a.pk)).is_applicant
    with_contact(ApplicationFactory(), contact_a)
    assert roles_of(User.objects.get(pk=contact_a.pk)).is_applicant
