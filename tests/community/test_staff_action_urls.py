"""Each staff action on a session or a newsletter issue has its own URL: staff only, POST
only, and scoped to the session or issue it names."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from community.models import NewsletterIssue, Registration
from tests.community.factories import NewsletterIssueFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

SESSION_ACTIONS = [
    "community:staff_attendance",
    "community:staff_attendance_import",
    "community:staff_materials",
    "community:staff_followup",
]
ISSUE_ACTIONS = [
    "community:staff_issue_test",
    "community:staff_issue_send",
    "community:staff_issue_confirm_late",
    "community:staff_issue_schedule",
]


@pytest.fixture
def session():
    return SessionFactory(starts_at=timezone.now() + dt.timedelta(days=3), capacity=1)


def _urls(session, issue, registration):
    urls = [reverse(name, args=[session.pk]) for name in SESSION_ACTIONS]
    urls += [reverse(name, args=[issue.pk]) for name in ISSUE_ACTIONS]
    urls.append(reverse("community:staff_registration_cancel", args=[session.pk, registration.pk]))
    return urls


def test_every_staff_action_is_refused_to_those_who_are_not_staff(
    practitioner_client, contact_a_client, client, session
):
    registration = RegistrationFactory(session=session)
    issue = NewsletterIssueFactory()
    for url in _urls(session, issue, registration):
        assert practitioner_client.post(url).status_code == 403, url
        assert contact_a_client.post(url).status_code == 403, url
        assert client.post(url).status_code == 302, url
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED
    assert NewsletterIssue.objects.get().status == issue.status
    assert not mail.outbox


def test_every_staff_action_refuses_a_get_with_405(staff_client, session):
    registration = RegistrationFactory(session=session)
    for url in _urls(session, NewsletterIssueFactory(), registration):
        assert staff_client.get(url).status_code == 405, url


def test_staff_cancel_a_registration_and_the_waitlist_moves_up(
    staff_client, session, django_capture_on_commit_callbacks
):
    seated = RegistrationFactory(session=session, full_name="Ana Seated")
    waiting = RegistrationFactory(session=session, status=Registration.Status.WAITLISTED)
    page = staff_client.get(reverse("community:staff_session", args=[session.pk]))
    cancel = reverse("community:staff_registration_cancel", args=[session.pk, seated.pk])
    assert f'action="{cancel}"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(cancel, follow=True)
    assert f"Registration of {seated.email} cancelled." in response.content.decode()
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.REGISTERED


def test_a_registration_is_cancelled_only_through_its_own_session(staff_client, session):
    other = RegistrationFactory(session=SessionFactory())
    url = reverse("community:staff_registration_cancel", args=[session.pk, other.pk])
    assert staff_client.post(url).status_code == 404
    other.refresh_from_db()
    assert other.status == Registration.Status.REGISTERED


def test_the_staff_pages_post_each_form_to_its_own_url(staff_client, session):
    issue = NewsletterIssueFactory()
    page = staff_client.get(reverse("community:staff_session", args=[session.pk]))
    html = page.content.decode()
    for name in SESSION_ACTIONS:
        assert f'action="{reverse(name, args=[session.pk])}"' in html, name
    issue_page = staff_client.get(reverse("community:staff_issue_detail", args=[issue.pk]))
    for name in ("community:staff_issue_test", "community:staff_issue_send"):
        assert f'action="{reverse(name, args=[issue.pk])}"' in issue_page.content.decode()
    assert 'name="action"' not in html + issue_page.content.decode()


def test_an_unknown_session_or_issue_is_a_404(staff_client):
    assert staff_client.post(reverse("community:staff_followup", args=[999999])).status_code == 404
    assert (
        staff_client.post(reverse("community:staff_issue_send", args=[999999])).status_code == 404
    )


def test_sending_an_issue_twice_is_explained_on_its_page(
    staff_client, django_capture_on_commit_callbacks
):
    issue = NewsletterIssueFactory()
    url = reverse("community:staff_issue_send", args=[issue.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(url).status_code == 302
    response = staff_client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "community:staff_issue_detail", args=[issue.pk]
    )
    assert "This issue has already gone out." in response.content.decode()


def test_confirming_an_issue_that_is_not_late_is_explained(staff_client):
    issue = NewsletterIssueFactory()
    response = staff_client.post(
        reverse("community:staff_issue_confirm_late", args=[issue.pk]), follow=True
    )
    assert "Only an issue waiting for confirmation can be confirmed." in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == NewsletterIssue.Status.DRAFT
