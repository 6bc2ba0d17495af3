"""Applications, end to end in a browser: apply, review, round 2, decisions."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from applications.services import criteria_seed
from applications.words import count_words
from cohorts.models import CohortMembership
from community.models import Membership
from gpl_cohort.outbox.models import EmailDelivery
from tests.accounts.factories import PASSWORD, StaffFactory, UserFactory
from tests.applications.factories import (
    CompleteApplicationFactory,
    ShortAnswerQuestionFactory,
    pdf_bytes,
    with_contact,
)
from tests.cohorts.factories import CohortFactory
from tests.e2e.conftest import create_account, start_application

pytestmark = pytest.mark.django_db(transaction=True)
S = Application.Status

TRICKY_TEXTS = [
    "community-based co-responder model",
    "We answer 911 calls 24/7 since 2022.",
    "— ... & !!! ?",
    "José's equipo de respuesta 社区 安全 naïve",
    "one\u00a0two\u2003three\u3000four",
    "٣ ٤ e.g. U.S. «quoted»",
]


def _log_out(page):
    page.get_by_role("button", name="Log out").click()


def test_an_applicant_drafts_is_stopped_by_both_limits_and_submits(page, screenshot, tmp_path):
    cohort = CohortFactory(name="2031–2032 Implementation Cohort")
    ShortAnswerQuestionFactory(cohort=cohort, prompt="What would success look like?")
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"/applications/cohorts/{cohort.slug}/")
    page.get_by_role("link", name="Create an account").click()
    create_account(page, full_name="Ana Applicant", email="ana@orangecountync.gov")
    page.wait_for_url("**/start/")
    start_application(page)

    page.get_by_label("Applying office").select_option("public_health")
    page.get_by_label("Partner agencies and community stakeholders").fill(
        "911 center, public health"
    )
    page.get_by_label("Program stage").select_option("planning")
    page.get_by_label("Anticipated launch date").fill(
        (cohort.starts_on + dt.timedelta(days=210)).isoformat()
    )
    page.get_by_label("Peers").check()
    page.get_by_label("EMTs").check()
    page.get_by_label("Call types the team would take").fill("Welfare checks")
    page.get_by_label("How agencies and community partners collaborate").fill("Weekly meetings")
    page.get_by_label("What would success look like?").fill("Fewer arrests")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your answers are saved as a draft.")).to_be_visible()
    # The live counter and the server apply the same rule.
    for text in TRICKY_TEXTS:
        assert page.evaluate("t => window.cohortCountWords(t)", text) == count_words(text), text

    # 501 words: the counter warns, the server refuses, every other answer stays.
    equity = page.get_by_label(
        "Equity goals for communities disproportionately affected by the justice system"
    )
    equity.fill(" ".join(["equity"] * (501 - 10)))
    assert page.locator("#word-count").inner_text() == "501 of 500 words"
    expect(page.locator("#word-count-warning")).to_be_visible()
    screenshot(page, "501-words-live")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your short answers have 501 words")).to_be_visible()
    assert (
        page.get_by_label("Partner agencies and community stakeholders").input_value()
        == "911 center, public health"
    )
    assert page.get_by_label("Peers").is_checked()
    screenshot(page, "501-words-refused")
    equity.fill("Fewer police contacts for Black residents in crisis")
    assert page.locator("#word-count").inner_text() == "18 of 500 words"

    # An 11-page upload is refused, the answers stay, nothing is stored.
    eleven = tmp_path / "plan.pdf"
    eleven.write_bytes(pdf_bytes(11))
    page.get_by_label("Add uploaded material (PDF)").set_input_files(str(eleven))
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("has 11 pages")).to_be_visible()
    assert page.get_by_label("Call types the team would take").input_value() == "Welfare checks"
    assert page.get_by_label("What would success look like?").input_value() == "Fewer arrests"
    assert "0 of 10 pages" in page.get_by_test_id("pages-used").inner_text()
    screenshot(page, "11-pages-refused")

    three = tmp_path / "annex.pdf"
    three.write_bytes(pdf_bytes(3))
    page.get_by_label("Add uploaded material (PDF)").set_input_files(str(three))
    page.get_by_role("button", name="Save draft").click()
    assert "3 of 10 pages" in page.get_by_test_id("pages-used").inner_text()

    page.get_by_role("button", name="Submit application").click()
    page.wait_for_url("**/applications/*/")
    assert page.get_by_test_id("status").inner_text().startswith("Submitted")
    screenshot(page, "submitted")
    application = Application.objects.get(jurisdiction__name="Orange")
    assert application.status == S.SUBMITTED and application.documents.count() == 1
    confirmation = EmailDelivery.objects.get(recipient="ana@orangecountync.gov")
    assert confirmation.attachments[0]["mimetype"] == "text/html"
    page.goto(f"/applications/{application.pk}/edit/")
    expect(page.get_by_text("its answers are final")).to_be_visible()


def test_a_reviewer_scores_and_staff_take_the_application_through_round_2(page, log_in, screenshot):
    page.on("dialog", lambda dialog: dialog.accept())
    staff = StaffFactory(email="staff@program.example", full_name="Sam Staff")
    reviewer = StaffFactory(email="reviewer@program.example", full_name="Ravi Reviewer")
    applicant = UserFactory(email="dana@durhamnc.gov")
    application = with_contact(
        CompleteApplicationFactory(status=S.ROUND1_REVIEW, jurisdiction__name="Durham"), applicant
    )
    criteria_seed(cohort=application.cohort)

    log_in(reviewer.email, PASSWORD)
    page.get_by_role("link", name="Reviews", exact=True).click()
    page.get_by_role("link", name="Durham, NC").click()
    expect(page.get_by_test_id("blind")).to_be_visible()
    for group in page.locator("#div_id_score_1, [id^=div_id_score_]").all():
        group.get_by_label("4", exact=True).check()
    page.get_by_label("Comment").fill("Strong cross-agency work")
    page.get_by_role("button", name="Submit my review").click()
    expect(page.get_by_text("Your review is saved.")).to_be_visible()
    screenshot(page, "reviewed")
    _log_out(page)

    log_in(staff.email, PASSWORD)
    page.goto(f"/applications/{application.pk}/")
    assert "mean score 4.00" in page.inner_text("body")
    page.get_by_role("button", name="Invite to round 2").click()
    assert page.get_by_test_id("status").inner_text() == "Invited to round 2"

    page.get_by_text("Schedule the Zoom interview").click()
    page.locator("#id_starts_at").fill("2031-05-02T14:00")
    page.locator("#id_time_zone").select_option("America/Chicago")
    page.locator("#id_meeting_url").fill("https://zoom.example/j/42")
    page.locator("#id_attendees").fill("City Manager\nFire Chief")
    page.get_by_role("button", name="Schedule and email the invitation").click()
    assert page.get_by_test_id("status").inner_text() == "Interview scheduled"

    page.get_by_role("button", name="Mark interviewed").click()
    page.get_by_text("Verbal MoU confirmation").click()
    page.locator("#id_note").fill("The City Manager confirmed on the call")
    page.get_by_role("button", name="Record the confirmation").click()
    page.get_by_role("button", name="Mark references checked").click()
    expect(page.get_by_text("Record at least one reference-check call first.")).to_be_visible()
    page.get_by_text("Reference checks (0)").click()
    page.locator("#id_name").fill("Jordan Rivers")
    page.locator("#id_organisation").fill("Durham Community Coalition")
    page.locator("#id_called_on").fill("2031-05-05")
    page.get_by_role("button", name="Record the reference check").click()
    page.get_by_role("button", name="Mark references checked").click()
    page.get_by_role("button", name="Select", exact=True).click()
    assert page.get_by_test_id("status").inner_text() == "Selected"
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "Round 1 review → Invited to round 2 by Sam Staff" in timeline
    screenshot(page, "selected")
    assert CohortMembership.objects.get(jurisdiction=application.jurisdiction).status == "selected"
    _log_out(page)

    log_in(applicant.email, PASSWORD)
    page.goto("/applications/")
    assert "Selected for the cohort" in page.get_by_test_id("status").inner_text()
    assert "Upload letters of support" in page.get_by_test_id("next-step").inner_text()
    screenshot(page, "applicant-portal")


def test_a_declined_application_puts_its_contacts_in_the_community_once(page, log_in, screenshot):
    page.on("dialog", lambda dialog: dialog.accept())
    staff = StaffFactory(email="staff@program.example", full_name="Sam Staff")
    first = UserFactory(email="lee@tulsaok.gov")
    second = UserFactory(email="kim@tulsaok.gov")
    application = CompleteApplicationFactory(
        status=S.ROUND1_REVIEW, jurisdiction__name="Tulsa", jurisdiction__state="OK"
    )
    with_contact(with_contact(application, first), second)

    log_in(staff.email, PASSWORD)
    page.goto(f"/applications/{application.pk}/")
    page.get_by_label("Staged decision").select_option("declined")
    page.get_by_role("button", name="Stage").click()
    page.get_by_role("link", name="Decisions page").click()
    expect(page.get_by_role("cell", name="Decline after round 1")).to_be_visible()
    body = page.locator("#id_declined-body")
    body.fill(body.input_value().replace("Thank you", "Thank you warmly"))
    screenshot(page, "decisions")
    page.get_by_role("button", name="Save and apply 1 decision(s)").click()
    expect(page.get_by_text("1 decision(s) applied and emailed.")).to_be_visible()
    # Running the decline again (a bulk action in the admin) is refused and invites nobody twice.
    page.goto("/admin/applications/application/")
    page.get_by_role("row", name="Tulsa").get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option("move_to_declined")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("cannot move to")).to_be_visible()
    screenshot(page, "admin-refused")

    application.refresh_from_db()
    assert application.status == S.DECLINED
    for person in (first, second):
        assert Membership.objects.get(user=person).status == Membership.Status.APPROVED
        assert (
            EmailDelivery.objects.filter(message_key=f"community-invitation:{person.pk}").count()
            == 1
        )
    declined = EmailDelivery.objects.filter(
        recipient="lee@tulsaok.gov", subject__contains="Your application"
    )
    assert "Thank you warmly" in declined.get().body_text


def test_a_closed_cohort_points_to_the_newsletter_and_the_community(page, screenshot):
    cohort = CohortFactory(
        name="2022–2023 Implementation Cohort",
        opens_at=timezone.now() - dt.timedelta(days=90),
        closes_at=timezone.now() - dt.timedelta(days=30),
    )
    page.goto("/applications/cohorts/")
    page.get_by_role("link", name="2022–2023 Implementation Cohort").click()
    expect(page.get_by_text("The application for 2022–2023 is closed.")).to_be_visible()
    assert (
        page.get_by_role("link", name="community of practice").get_attribute("href")
        == "/community/"
    )
    screenshot(page, "closed")
    assert cohort.has_closed


def test_a_reapplicant_copies_answers_invites_a_colleague_who_uploads_a_letter(
    page, log_in, screenshot, tmp_path
):
    page.on("dialog", lambda dialog: dialog.accept())
    earlier_cohort = CohortFactory(
        name="2022–2023 Implementation Cohort",
        opens_at=timezone.now() - dt.timedelta(days=900),
        closes_at=timezone.now() - dt.timedelta(days=800),
        starts_on=dt.date(2022, 9, 1),
    )
    earlier = CompleteApplicationFactory(
        cohort=earlier_cohort,
        status=S.DECLINED,
        jurisdiction__name="Durham",
        collaboration="Our 2022 working group of six agencies",
    )
    dana = UserFactory(email="dana@durhamnc.gov", full_name="Dana Durham")
    draft = with_contact(
        CompleteApplicationFactory(jurisdiction=earlier.jurisdiction, collaboration=""), dana
    )

    log_in(dana.email, PASSWORD)
    page.get_by_role("link", name="My applications").click()
    page.get_by_role("link", name="Continue the application").click()
    expect(page.get_by_test_id("reapplicant")).to_be_visible()
    page.get_by_role("button", name="Copy my earlier answers").click()
    assert page.get_by_label("How agencies and community partners collaborate").input_value() == (
        "Our 2022 working group of six agencies"
    )
    screenshot(page, "copied")

    page.get_by_role("link", name="Status, co-applicants and files").click()
    page.get_by_label("Colleague's email address").fill("sam@durhamnc.gov")
    page.get_by_role("button", name="Invite a co-applicant").click()
    expect(page.get_by_text("We have emailed an invitation to sam@durhamnc.gov.")).to_be_visible()
    invitation = EmailDelivery.objects.get(recipient="sam@durhamnc.gov")
    link = next(line for line in invitation.body_text.splitlines() if "/join/" in line)
    _log_out(page)

    page.goto(link[link.index("/applications/") :].strip())
    create_account(page, full_name="Sam Colleague", email="sam@durhamnc.gov")
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.get_by_text("You are now a co-applicant of Durham, NC.")).to_be_visible()
    Application.objects.filter(pk=draft.pk).update(status=S.INTERVIEW_SCHEDULED)
    page.reload()
    assert "Upload letters of support" in page.get_by_test_id("next-step").inner_text()
    letter = tmp_path / "mayor.pdf"
    letter.write_bytes(pdf_bytes(1))
    page.locator("#id_signer_name").fill("Elaine O'Neal")
    page.locator("#id_signer_title").fill("Mayor")
    page.locator("#id_office").fill("Office of the Mayor")
    page.locator("#id_dated").fill("2031-04-01")
    page.locator("#id_file").set_input_files(str(letter))
    page.get_by_role("button", name="Upload the letter").click()
    expect(page.get_by_text("the letter of support is received")).to_be_visible()
    expect(page.get_by_role("link", name="Elaine O'Neal, Mayor")).to_be_visible()
    screenshot(page, "letter")
    assert draft.support_letters.get().file_name == "mayor.pdf"
