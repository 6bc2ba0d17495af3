import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from community.models import NewsletterIssue, Registration
from tests.community.factories import (
    MembershipFactory,
    NewsletterIssueFactory,
    RegistrationFactory,
    SessionFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_session():
    session = SessionFactory(starts_at=timezone.now() - dt.timedelta(days=1), capacity=10)
    for email in ("ana@city.gov", "ben@city.gov", "cy@city.gov"):
        membership = MembershipFactory(user__email=email)
        RegistrationFactory(session=session, user=membership.user)
    return session


def test_staff_pages_are_for_staff_only(practitioner_client, contact_a_client, past_session):
    for url in (
        "/community/staff/sessions/",
        f"/community/staff/sessions/{past_session.pk}/",
        f"/community/staff/sessions/{past_session.pk}/registrations.csv",
        "/community/staff/participation/",
        "/community/staff/subscribers/",
        "/community/staff/newsletter/",
        "/community/staff/newsletter/new/",
    ):
        assert practitioner_client.get(url).status_code == 403, url
        assert contact_a_client.get(url).status_code == 403, url


def test_staff_lists_stay_within_a_few_queries(staff_client, django_assert_max_num_queries):
    SessionFactory.create_batch(10)
    SubscriberFactory.create_batch(20)
    with django_assert_max_num_queries(10):
        assert staff_client.get("/community/staff/sessions/").status_code == 200
    with django_assert_max_num_queries(10):
        assert staff_client.get("/community/staff/subscribers/").status_code == 200
    with django_assert_max_num_queries(10):
        assert staff_client.get("/community/staff/participation/").status_code == 200


def test_staff_mark_attendance_by_ticking(staff_client, past_session):
    ana = past_session.registrations.get(email="ana@city.gov")
    response = staff_client.post(
        f"/community/staff/sessions/{past_session.pk}/attendance/",
        {"attended": [str(ana.pk)]},
    )
    assert response.status_code == 302
    assert dict(past_session.registrations.values_list("email", "attended")) == {
        "ana@city.gov": True,
        "ben@city.gov": False,
        "cy@city.gov": False,
    }


def test_the_attendance_csv_import_reports_each_row(staff_client, past_session):
    report = (
        "Meeting ID,Topic\n123,Session\n\n"
        "Name (Original Name),User Email,Duration (Minutes)\n"
        "Ana,ANA@city.gov,55\nAna again,ana@city.gov,3\nStranger,who@else.org,40\nPhone user,,12\n"
    )
    upload = SimpleUploadedFile("participants.csv", report.encode(), content_type="text/csv")
    response = staff_client.post(
        f"/community/staff/sessions/{past_session.pk}/attendance/import/",
        {"attendance_file": upload},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Marked as attended." in page
    assert "Already counted (rejoined)." in page
    assert "No registration with this email." in page
    assert "No email in this row." in page
    assert past_session.registrations.get(email="ana@city.gov").attended is True
    assert past_session.registrations.get(email="ben@city.gov").attended is False


def test_an_attendance_file_without_emails_is_explained(staff_client, past_session):
    upload = SimpleUploadedFile("x.csv", b"Name,Minutes\nAna,3\n", content_type="text/csv")
    response = staff_client.post(
        f"/community/staff/sessions/{past_session.pk}/attendance/import/",
        {"attendance_file": upload},
    )
    assert b"No column with" in response.content


def test_a_slides_file_that_is_not_a_pdf_is_refused_and_the_link_kept(staff_client, past_session):
    upload = SimpleUploadedFile(
        "slides.pdf", b"MZ not a pdf at all", content_type="application/pdf"
    )
    response = staff_client.post(
        f"/community/staff/sessions/{past_session.pk}/materials/",
        {"recording_url": "https://video.example/rec", "slides": upload},
    )
    assert response.status_code == 200
    assert b"Accepted: PDF" in response.content
    assert b"https://video.example/rec" in response.content
    past_session.refresh_from_db()
    assert past_session.recording_url == ""


def test_the_follow_up_differs_for_attended_and_missed_and_goes_once(
    staff_client, past_session, django_capture_on_commit_callbacks
):
    ana = past_session.registrations.get(email="ana@city.gov")
    Registration.objects.filter(pk=ana.pk).update(attended=True)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            staff_client.post(f"/community/staff/sessions/{past_session.pk}/followup/")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert len(mail.outbox) == 3
    assert subjects["ana@city.gov"].startswith("Thank you for joining")
    assert subjects["ben@city.gov"].startswith("We missed you")


def test_staff_export_webinar_questions_as_csv(staff_client):
    webinar = SessionFactory(kind="webinar")
    RegistrationFactory(
        session=webinar, user=None, email="v@county.org", full_name="Vic", question="Funding?"
    )
    response = staff_client.get(f"/community/staff/sessions/{webinar.pk}/registrations.csv")
    content = b"".join(response.streaming_content).decode()
    assert content.splitlines()[0].startswith("name,email,jurisdiction,question")
    assert "Funding?" in content


def test_the_participation_report_counts_by_jurisdiction(staff_client, past_session):
    Registration.objects.filter(email="ana@city.gov").update(attended=True)
    response = staff_client.get("/community/staff/participation/")
    rows = response.context["rows"]
    assert sum(r["attended"] for r in rows) == 1
    assert sum(r["registrations"] for r in rows) == 3


def test_subscribers_export_as_csv(staff_client):
    SubscriberFactory(email="one@example.org")
    response = staff_client.get("/community/staff/subscribers/?format=csv")
    content = b"".join(response.streaming_content).decode()
    assert "one@example.org,subscribed" in content


def test_staff_compose_preview_test_and_send_an_issue(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    SubscriberFactory.create_batch(3)
    response = staff_client.post(
        "/community/staff/newsletter/new/",
        {"subject": "May news", "body_markdown": "Hello **all**"},
    )
    issue = NewsletterIssue.objects.get()
    assert response["Location"] == f"/community/staff/newsletter/{issue.pk}/"
    preview = staff_client.get(response["Location"])
    assert b"<strong>all</strong>" in preview.content
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(response["Location"] + "test/")
    assert [m.to for m in mail.outbox] == [[staff_user.email]]
    with django_capture_on_commit_callbacks(execute=True):
        sent = staff_client.post(response["Location"] + "send/")
    assert sent["Location"] == f"/community/staff/newsletter/{issue.pk}/progress/"
    progress = staff_client.get(f"/community/staff/newsletter/{issue.pk}/progress.json").json()
    assert progress["sent"] == 3
    assert progress["remaining"] == 0
    assert staff_client.get(sent["Location"]).status_code == 200
    edit = staff_client.get(f"/community/staff/newsletter/{issue.pk}/edit/")
    assert edit.status_code == 302


def test_scheduling_in_the_past_is_explained(staff_client):
    issue = NewsletterIssueFactory()
    response = staff_client.post(
        f"/community/staff/newsletter/{issue.pk}/schedule/",
        {"scheduled_for": "2001-01-01T10:00"},
        follow=True,
    )
    assert b"Pick a time in the future" in response.content


def test_an_issue_without_a_subject_is_not_saved(staff_client):
    response = staff_client.post(
        "/community/staff/newsletter/new/", {"subject": "", "body_markdown": "Kept body"}
    )
    assert response.status_code == 200
    assert b"Kept body" in response.content
    assert not NewsletterIssue.objects.exists()


def test_staff_approve_a_pending_member_from_the_admin(
    staff_client, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(status="pending", user__email="jo@gmail.com")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            "/admin/community/membership/",
            {"action": "approve", "_selected_action": [membership.pk]},
        )
    membership.refresh_from_db()
    assert membership.status == "approved"
    assert mail.outbox[0].to == ["jo@gmail.com"]
