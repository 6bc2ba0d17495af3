"""Community journeys: join, register, cancel, waitlist promotion, .ics; newsletter opt-in/out."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from community.models import Registration
from community.services import registration_cancel, registration_create
from tests.accounts.factories import PASSWORD, StaffFactory
from tests.community.factories import MembershipFactory, SessionFactory, SubscriberFactory
from tests.e2e.conftest import fill_join_form
from tests.jurisdictions.factories import JurisdictionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_practitioner_joins_registers_cancels_is_promoted_and_gets_the_ics(
    page, screenshot, tmp_path
):
    JurisdictionFactory(name="Tucson", state="AZ")
    soon = timezone.now() + dt.timedelta(days=10)
    SessionFactory(
        title="Tracking call outcomes",
        starts_at=soon,
        capacity=5,
        meeting_url="https://meet.example/outcomes",
        agenda_sharing="Durham shares its first year",
    )
    full_session = SessionFactory(title="Funding after ARPA", starts_at=soon, capacity=1)
    other = MembershipFactory(user__email="other@phoenix.gov").user
    registration_create(session=full_session, user=other)

    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Join the community").click()
    fill_join_form(page, full_name="Terry Tucson", email="terry@tucsonaz.gov")
    screenshot(page, "join-form")
    page.get_by_role("button", name="Join the community of practice").click()
    page.wait_for_url("**/community/sessions/")
    expect(page.get_by_text("Welcome to the community of practice.")).to_be_visible()
    screenshot(page, "sessions")

    page.get_by_role("link", name="Tracking call outcomes").click()
    assert page.get_by_text("meet.example/outcomes").count() == 0
    page.get_by_role("button", name="Register").click()
    assert page.get_by_test_id("status").inner_text() == "You are registered."
    expect(page.get_by_test_id("meeting-link")).to_be_visible()
    screenshot(page, "registered")
    with page.expect_download() as download_info:
        page.get_by_test_id("ics-link").click()
    ics = tmp_path / "session.ics"
    download_info.value.save_as(ics)
    content = ics.read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in content
    assert "Tracking call outcomes" in content
    assert "meet.example/outcomes" in content

    page.get_by_role("button", name="Cancel my registration").click()
    assert page.get_by_test_id("status").inner_text() == "You cancelled your registration."
    assert page.get_by_text("meet.example/outcomes").count() == 0
    invitation = [m for m in mail.outbox if m.to == ["terry@tucsonaz.gov"]]
    assert [m.attachments[0][0] for m in invitation if m.attachments] == [
        "invite.ics",
        "cancel.ics",
    ]

    page.goto(f"/community/sessions/{full_session.pk}/")
    page.get_by_role("button", name="Join the waitlist").click()
    assert "waitlist" in page.get_by_test_id("status").inner_text()
    screenshot(page, "waitlisted")
    registration_cancel(registration=Registration.objects.get(email="other@phoenix.gov"))
    page.reload()
    assert page.get_by_test_id("status").inner_text() == "You are registered."
    screenshot(page, "promoted")
    assert any(
        m.to == ["terry@tucsonaz.gov"] and m.subject.startswith("Update: You are registered")
        for m in mail.outbox
    )


def test_a_reader_subscribes_confirms_and_unsubscribes_from_the_email(page, screenshot):
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Subscribe to the newsletter").click()
    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_test_id("check-inbox")).to_be_visible()
    screenshot(page, "check-inbox")
    (confirmation,) = mail.outbox
    confirm_path = re.search(
        r"https?://[^/]+(/community/newsletter/confirm/\S+)", confirmation.body
    )
    page.goto(confirm_path.group(1))
    expect(page.get_by_test_id("confirmed")).to_be_visible()
    screenshot(page, "confirmed")

    from community.models import NewsletterIssue
    from community.services import issue_send_now

    issue = NewsletterIssue.objects.create(subject="May news", body_markdown="Hello **readers**")
    issue_send_now(issue=issue)
    newsletter = next(m for m in mail.outbox if m.subject == "May news")
    unsubscribe = re.search(
        r"https?://[^/]+(/community/newsletter/unsubscribe/\S+/)", newsletter.body
    ).group(1)
    assert unsubscribe in newsletter.extra_headers["List-Unsubscribe"]
    page.goto(unsubscribe)
    screenshot(page, "unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_test_id("unsubscribed")).to_be_visible()
    screenshot(page, "unsubscribed")


def test_staff_send_an_issue_and_watch_its_progress(page, log_in, screenshot):
    StaffFactory(email="staff@program.example")
    SubscriberFactory.create_batch(25)
    log_in("staff@program.example", PASSWORD)
    page.goto("/community/staff/newsletter/")
    page.get_by_role("link", name="Write an issue").click()
    page.get_by_label("Subject").fill("June news")
    page.get_by_label("Body (Markdown)").fill("## Cohort\n\nThe **second** cohort opens soon.")
    page.get_by_role("button", name="Save and preview").click()
    assert page.get_by_test_id("preview").locator("strong").inner_text() == "second"
    page.get_by_role("button", name="Send a test to staff@program.example").click()
    expect(page.get_by_text("A test copy is on its way")).to_be_visible()
    screenshot(page, "preview")
    page.get_by_role("button", name="Send now to 25 subscribers").click()
    page.wait_for_url("**/progress/")
    page.locator('[data-role="status_label"]', has_text="Sent").wait_for(timeout=15_000)
    assert page.locator('[data-role="sent"]').inner_text() == "25"
    assert page.locator('[data-role="remaining"]').inner_text() == "0"
    screenshot(page, "progress")


def test_staff_import_attendance_and_see_the_report(page, log_in, screenshot, tmp_path):
    StaffFactory(email="staff@program.example")
    session = SessionFactory(title="Past session", starts_at=timezone.now() - dt.timedelta(days=1))
    for email in ("ana@city.gov", "ben@city.gov"):
        Registration.objects.create(
            session=session,
            email=email,
            full_name=email.split("@")[0].title(),
            status=Registration.Status.REGISTERED,
            status_changed_at=timezone.now(),
        )
    report = tmp_path / "participants.csv"
    report.write_text("Name,User Email\nAna,ana@city.gov\nStranger,who@else.org\n")
    log_in("staff@program.example", PASSWORD)
    page.goto(f"/community/staff/sessions/{session.pk}/")
    page.get_by_label("Attendance report (CSV)").set_input_files(str(report))
    page.get_by_role("button", name="Import attendance").click()
    table = page.get_by_test_id("import-report")
    assert "Marked as attended." in table.inner_text()
    assert "No registration with this email." in table.inner_text()
    screenshot(page, "attendance")


def test_staff_cancel_a_registration_and_mark_attendance_from_the_session_page(
    page, log_in, screenshot
):
    StaffFactory(email="staff@program.example")
    session = SessionFactory(title="Past session", starts_at=timezone.now() - dt.timedelta(days=1))
    for email in ("ana@city.gov", "ben@city.gov"):
        Registration.objects.create(
            session=session,
            email=email,
            full_name=email.split("@")[0].title(),
            status=Registration.Status.REGISTERED,
            status_changed_at=timezone.now(),
        )
    log_in("staff@program.example", PASSWORD)
    page.goto(f"/community/staff/sessions/{session.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel the registration of Ben").click()
    expect(page.get_by_text("Registration of ben@city.gov cancelled.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Ben"))).to_contain_text("Cancelled")
    page.get_by_label("Ana attended").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved: 1 attended.")).to_be_visible()
    expect(page.get_by_label("Ana attended")).to_be_checked()
    screenshot(page, "cancelled-and-attended")
    assert Registration.objects.get(email="ana@city.gov").attended is True
    assert Registration.objects.get(email="ben@city.gov").status == Registration.Status.CANCELLED
