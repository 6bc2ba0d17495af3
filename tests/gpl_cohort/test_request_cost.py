"""What each request pays for once, not twice: the session's user with their practitioner role
in one query, `{% url %}` answers remembered, one Redis client per connection pool."""

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template, TemplateSyntaxError
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from gpl_cohort.accounts.backends import EmailBackend
from gpl_cohort.accounts.roles import roles_of
from tests.accounts.factories import UserFactory
from tests.community.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_session_user_comes_with_their_practitioner_role_in_one_query(practitioner):
    with CaptureQueriesContext(connection) as queries:
        user = EmailBackend().get_user(practitioner.pk)
        roles = roles_of(user)
    assert user == practitioner
    assert roles.is_practitioner
    assert len(queries) == 1


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


def test_the_url_tag_gives_what_reverse_gives_with_and_without_arguments():
    rendered = Template(
        "{% url 'community:sessions' %}|{% url 'community:session_detail' 7 %}"
        "|{% url 'community:session_detail' pk=8 %}|{% url 'community:session_detail' 7 %}"
    ).render(Context())
    assert rendered.split("|") == [
        reverse("community:sessions"),
        reverse("community:session_detail", args=[7]),
        reverse("community:session_detail", kwargs={"pk": 8}),
        reverse("community:session_detail", args=[7]),
    ]


def test_the_url_tag_still_fails_loudly_and_still_supports_as():
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no-such-page' %}").render(Context())
    template = Template(
        "{% url 'no-such-page' as missing %}[{{ missing }}]{% url 'home' as home %}{{ home }}"
    )
    assert template.render(Context()) == f"[]{reverse('home')}"
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_the_url_tag_answers_a_text_argument_and_a_number_alike():
    template = Template("{% url 'community:session_detail' pk %}")
    assert template.render(Context({"pk": "1"})) == template.render(Context({"pk": 1}))
    assert template.render(Context({"pk": 1})) == reverse("community:session_detail", args=[1])


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (the cache is Redis there)")
def test_the_redis_cache_reuses_one_client_and_still_reads_what_it_wrote():
    from django.core.cache import cache

    cache.set("request-cost-check", {"n": 1}, 30)
    assert cache.get("request-cost-check") == {"n": 1}
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool, one client
    cache.delete("request-cost-check")
