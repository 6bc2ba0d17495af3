"""What each request pays for once, not twice: the session's user with their practitioner role
in one query, one Redis client per connection pool."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gpl_cohort.accounts.backends import EmailBackend
from gpl_cohort.accounts.roles import roles_of
from tests.accounts.factories import UserFactory
from tests.applications.factories import ApplicationContactFactory
from tests.community.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_session_user_comes_with_their_practitioner_role_in_one_query(practitioner):
    with CaptureQueriesContext(connection) as queries:
        user = EmailBackend().get_user(practitioner.pk)
        roles = roles_of(user)
    assert user == practitioner
    assert roles.is_practitioner
    assert len(queries) == 1


def test_the_session_user_comes_with_their_feed_token_and_applicant_role_in_the_same_query(
    practitioner,
):
    ApplicationContactFactory(user=practitioner)
    with CaptureQueriesContext(connection) as queries:
        user = EmailBackend().get_user(practitioner.pk)
        roles = roles_of(user)
    assert roles.is_applicant
    assert user._community_feed_token == practitioner.community_membership.feed_token
    assert len(queries) == 1


def test_a_person_with_no_membership_or_application_is_neither_practitioner_nor_applicant(db):
    user = EmailBackend().get_user(UserFactory().pk)
    assert user._community_feed_token is None
    assert not roles_of(user).is_practitioner
    assert not roles_of(user).is_applicant


def test_a_pending_member_loaded_for_a_session_is_not_a_practitioner(db):
    membership = MembershipFactory(status="pending")
    assert not roles_of(EmailBackend().get_user(membership.user.pk)).is_practitioner


def test_an_unknown_inactive_or_malformed_session_user_is_nobody(db):
    inactive = UserFactory(is_active=False)
    backend = EmailBackend()
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(inactive.pk + 1000) is None
    assert backend.get_user("not-a-number") is None


def test_a_page_shows_the_practitioner_nav_to_a_logged_in_practitioner(client, practitioner):
    client.force_login(practitioner, backend="gpl_cohort.accounts.backends.EmailBackend")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("community:sessions") in response.content.decode()


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (the cache is Redis there)")
def test_the_redis_cache_reuses_one_client_and_still_reads_what_it_wrote():
    from django.core.cache import cache

    cache.set("request-cost-check", {"n": 1}, 30)
    assert cache.get("request-cost-check") == {"n": 1}
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool, one client
    cache.delete("request-cost-check")


def test_the_next_request_reads_the_session_user_from_the_cache_without_a_query(practitioner):
    EmailBackend().get_user(practitioner.pk)
    with CaptureQueriesContext(connection) as queries:
        user = EmailBackend().get_user(practitioner.pk)
        roles = roles_of(user)
    assert user == practitioner and roles.is_practitioner
    assert len(queries) == 0
