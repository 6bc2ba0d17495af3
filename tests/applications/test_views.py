import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationContact,
    ApplicationDocument,
    Review,
    ReviewCriterion,
)
from applications.services import application_document_add, criteria_seed
from gpl_cohort.accounts.models import User
from tests.applications.factories import (
    ApplicationFactory,
    CompleteApplicationFactory,
    ReviewFactory,
    ShortAnswerQuestionFactory,
    docx_bytes,
    pdf_upload,
    with_contact,
)
from tests.cohorts.factories import CohortFactory
from tests.jurisdictions.factories import JurisdictionFactory

pytestmark = pytest.mark.django_db
S = Application.Status


def _answers(application, **overrides):
    data = {
        "applying_office": "community_safety",
        "applying_office_other": "",
        "partners": "Public health and the 911 center",
        "stage": "planning",
        "anticipated_launch_on": "2031-03-01",
        "team_make_up": ["peers", "emts"],
        "team_make_up_other": "",
        "call_types": "Welfare checks",
        "collaboration": "Weekly working group",
        "equity_goals": "Fewer arrests",
    }
    for question in application.cohort.questions.all():
        data[f"q_{question.pk}"] = "Our answer"
    data.update(overrides)
    return data


@pytest.fixture
def draft(contact_a):
    cohort = CohortFactory()
    ShortAnswerQuestionFactory(cohort=cohort, prompt="Why now?")
    return with_contact(
        ApplicationFactory(cohort=cohort, jurisdiction=contact_a.contact_jurisdiction), contact_a
    )


def test_the_cohort_list_and_an_open_cohort_invite_to_apply(client):
    cohort = CohortFactory(name="2031–2032 Implementation Cohort")
    assert "2031–2032" in client.get(reverse("applications:cohorts")).content.decode()
    page = client.get(reverse("applications:cohort", args=[cohort.slug])).content.decode()
    assert "Start an application" in page


def test_a_closed_cohort_says_so_and_offers_the_newsletter_and_the_community(client):
    cohort = CohortFactory(
        name="2022–2023 Implementation Cohort",
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    page = client.get(reverse("applications:cohort", args=[cohort.slug])).content.decode()
    assert "The application for 2022–2023 is closed" in page
    assert 'href="/community/newsletter/"' in page and 'href="/community/"' in page
    assert "Start an application" not in page


def test_an_unknown_cohort_is_a_404(client):
    assert client.get(reverse("applications:cohort", args=["nope"])).status_code == 404


def test_anyone_can_sign_up_and_start_an_application_for_a_new_county(client):
    cohort = CohortFactory()
    response = client.post(
        reverse("applications:sign_up") + f"?next=/applications/cohorts/{cohort.slug}/start/",
        {
            "full_name": "Ana Applicant",
            "email": "Ana@County.gov",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("/start/")
    response = client.post(
        reverse("applications:start", args=[cohort.slug]),
        {"name": "Orange", "kind": "county", "state": "NC", "population": "150000"},
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("applications:edit", args=[application.pk])
    user = User.objects.get(email="ana@county.gov")
    assert application.contacts.get().user == user
    assert user.contact_jurisdiction is None  # applicants do not see the jurisdiction's data


def test_sign_up_with_mismatched_passwords_keeps_the_other_answers(client):
    response = client.post(
        reverse("applications:sign_up"),
        {
            "full_name": "Ana",
            "email": "ana@county.gov",
            "password1": "a-long-pass-phrase-9",
            "password2": "other-pass-phrase-9",
        },
    )
    assert response.status_code == 200
    assert "The two passwords differ" in response.content.decode()
    assert 'value="ana@county.gov"' in response.content.decode()


def test_a_second_person_cannot_start_a_jurisdictions_existing_application(
    client, contact_b, draft
):
    client.force_login(contact_b)
    response = client.post(
        reverse("applications:start", args=[draft.cohort.slug]),
        {"jurisdiction": draft.jurisdiction.pk},
    )
    assert "ask the person who started it to invite you" in response.content.decode().lower()
    assert not ApplicationContact.objects.filter(user=contact_b).exists()


def test_an_applicant_saves_a_draft(contact_a_client, draft):
    response = contact_a_client.post(reverse("applications:edit", args=[draft.pk]), _answers(draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.team_make_up == ["peers", "emts"]
    assert list(draft.short_answers.values()) == ["Our answer"]


def test_501_words_are_refused_and_every_other_answer_stays(contact_a_client, draft):
    long = " ".join(["word"] * 484)  # + 17 words in the other answers = 501
    response = contact_a_client.post(
        reverse("applications:edit", args=[draft.pk]),
        _answers(draft, collaboration=long, equity_goals="one two three four five six seven"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "501 words" in page and "may not exceed 500" in page
    assert "Public health and the 911 center" in page and "Fewer arrests" not in page
    assert "one two three four five six seven" in page
    draft.refresh_from_db()
    assert draft.partners == ""


def test_an_11_page_upload_is_refused_and_the_answers_stay(contact_a_client, draft):
    response = contact_a_client.post(
        reverse("applications:edit", args=[draft.pk]),
        {**_answers(draft), "document": pdf_upload(11, "plan.pdf")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "has 11 pages" in page and "may not exceed 10 pages in total" in page
    assert "Weekly working group" in page
    assert not ApplicationDocument.objects.exists()


def test_pages_add_up_across_files(contact_a_client, draft, contact_a):
    application_document_add(application=draft, upload=pdf_upload(6), by=contact_a)
    response = contact_a_client.post(
        reverse("applications:edit", args=[draft.pk]),
        {**_answers(draft), "document": pdf_upload(5, "annex.pdf")},
    )
    assert "with the 6 pages already uploaded that makes 11" in response.content.decode()
    assert ApplicationDocument.objects.count() == 1
    response = contact_a_client.post(
        reverse("applications:edit", args=[draft.pk]),
        {**_answers(draft), "document": pdf_upload(4, "annex.pdf")},
    )
    assert response.status_code == 302
    assert ApplicationDocument.objects.count() == 2


def test_a_word_document_is_refused_with_a_request_for_pdf(contact_a_client, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = contact_a_client.post(
        reverse("applications:edit", args=[draft.pk]),
        {**_answers(draft), "document": SimpleUploadedFile("plan.pdf", docx_bytes())},
    )
    assert "is a Word document" in response.content.decode()
    assert "save it as PDF" in response.content.decode()


def test_an_applicant_submits_and_the_answers_freeze(
    contact_a_client, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(
            reverse("applications:submit", args=[draft.pk]), _answers(draft)
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments
    response = contact_a_client.post(
        reverse("applications:edit", args=[draft.pk]), _answers(draft, partners="changed")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.partners != "changed"


def test_submitting_incomplete_answers_saves_the_draft_and_says_what_is_missing(
    contact_a_client, draft
):
    response = contact_a_client.post(
        reverse("applications:submit", args=[draft.pk]),
        _answers(draft, equity_goals=""),
    )
    assert "saved as a draft, but not submitted" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.partners


def test_another_jurisdictions_contact_gets_404_everywhere(contact_b_client, draft, contact_a):
    document = application_document_add(application=draft, upload=pdf_upload(1), by=contact_a)
    for url in [
        reverse("applications:detail", args=[draft.pk]),
        reverse("applications:edit", args=[draft.pk]),
        reverse("applications:document", args=[draft.pk, document.pk]),
    ]:
        assert contact_b_client.get(url).status_code == 404


def test_files_are_served_to_the_applicant_and_staff_only_after_a_check(
    contact_a_client, staff_client, client, draft, contact_a
):
    document = application_document_add(application=draft, upload=pdf_upload(2), by=contact_a)
    url = reverse("applications:document", args=[draft.pk, document.pk])
    response = contact_a_client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    # Reading streaming_content closes the file through the test client's wrapper; an extra
    # response.close() would fire request_finished and close the test's database connection.
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response = staff_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(url).status_code == 302  # to log in


def test_a_co_applicant_is_invited_by_email_and_joins_with_the_link(
    contact_a_client, draft, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact_a_client.post(
            reverse("applications:invite", args=[draft.pk]), {"email": "colleague@durhamnc.gov"}
        )
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/join/" in line).strip()
    path = link[link.index("/applications/") :]
    colleague = User.objects.create_user(
        email="colleague@durhamnc.gov", password="x-long-pass-9", full_name="Col"
    )
    client.force_login(colleague)
    assert client.post(path).status_code == 302
    assert draft.contacts.filter(user=colleague).exists()
    assert client.get(reverse("applications:edit", args=[draft.pk])).status_code == 200


def test_an_invitation_link_cannot_be_used_by_another_address(contact_b_client, draft, contact_a):
    from applications.services import co_applicant_invite

    invitation = co_applicant_invite(
        application=draft, email="colleague@durhamnc.gov", by=contact_a
    )
    contact_b_client.post(reverse("applications:join", args=[invitation.token]))
    assert not draft.contacts.filter(user__email="contact@phoenix.gov").exists()


def test_a_reapplicant_copies_the_earlier_answers(contact_a_client, contact_a):
    earlier = CompleteApplicationFactory(
        cohort=CohortFactory(starts_on=dt.date(2021, 9, 1)),
        jurisdiction=contact_a.contact_jurisdiction,
        status=S.DECLINED,
    )
    draft = with_contact(ApplicationFactory(jurisdiction=earlier.jurisdiction), contact_a)
    page = contact_a_client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert "Copy my earlier answers" in page
    contact_a_client.post(reverse("applications:copy_previous", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.collaboration == earlier.collaboration


def test_a_reviewer_scores_without_seeing_others_until_submitted(
    reviewer_client, reviewer_user, staff_user
):
    application = CompleteApplicationFactory(status=S.ROUND1_REVIEW)
    criteria = criteria_seed(cohort=application.cohort)
    other = ReviewFactory(application=application, reviewer=staff_user, comment="Strong team")
    other.scores.create(criterion=criteria[0], score=2)
    url = reverse("applications:review", args=[application.pk])
    page = reviewer_client.get(url).content.decode()
    assert "Strong team" not in page and "appear once you have submitted" in page
    data = {f"score_{c.pk}": "4" for c in criteria} | {"comment": "Good"}
    assert reviewer_client.post(url, data).status_code == 302
    page = reviewer_client.get(url).content.decode()
    assert "Strong team" in page
    assert Review.objects.get(reviewer=reviewer_user).scores.count() == 4


def test_a_review_missing_a_score_is_refused(reviewer_client):
    application = CompleteApplicationFactory(status=S.ROUND1_REVIEW)
    criteria = criteria_seed(cohort=application.cohort)
    url = reverse("applications:review", args=[application.pk])
    response = reviewer_client.post(url, {f"score_{criteria[0].pk}": "4", "comment": "x"})
    assert response.status_code == 400 and "Score this criterion" in response.content.decode()


def test_a_reviewer_with_a_conflict_cannot_score(reviewer_client, reviewer_user):
    application = CompleteApplicationFactory(status=S.ROUND1_REVIEW)
    criteria = criteria_seed(cohort=application.cohort)
    url = reverse("applications:review", args=[application.pk])
    reviewer_client.post(url, {"conflict_of_interest": "on"})
    response = reviewer_client.post(url, {f"score_{c.pk}": "5" for c in criteria})
    assert "conflict of interest" in response.content.decode()
    review = Review.objects.get(reviewer=reviewer_user)
    assert review.conflict_of_interest and not review.scores.exists()


def test_applicants_cannot_review_or_move_applications(contact_a_client, draft):
    assert contact_a_client.get(reverse("applications:review", args=[draft.pk])).status_code == 403
    response = contact_a_client.post(
        reverse("applications:transition", args=[draft.pk]), {"to_status": "withdrawn"}
    )
    assert response.status_code == 403


def test_staff_move_an_application_and_an_illegal_move_is_a_message(staff_client, draft):
    draft.status = S.SUBMITTED
    draft.save()
    url = reverse("applications:transition", args=[draft.pk])
    staff_client.post(url, {"to_status": "round1_review"})
    draft.refresh_from_db()
    assert draft.status == S.ROUND1_REVIEW
    response = staff_client.post(url, {"to_status": "enrolled"}, follow=True)
    assert "cannot move to" in response.content.decode()
    page = staff_client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert "Round 1 review</strong> by Sam Staff" in page


def test_a_get_on_a_post_only_action_is_405(staff_client, draft):
    assert staff_client.get(reverse("applications:transition", args=[draft.pk])).status_code == 405


def test_staff_schedule_an_interview_in_the_jurisdictions_time_zone(
    staff_client, draft, django_capture_on_commit_callbacks
):
    draft.status = S.INVITED_ROUND2
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("applications:interview", args=[draft.pk]),
            {
                "starts_at": "2031-05-02T14:00",
                "time_zone": "America/Chicago",
                "meeting_url": "https://zoom.example/j/1",
                "attendees": "Chief of staff",
            },
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.INTERVIEW_SCHEDULED
    interview = draft.interviews.get()
    assert interview.starts_at == dt.datetime(2031, 5, 2, 19, 0, tzinfo=dt.UTC)
    assert "2:00 PM (America/Chicago)" in mail.outbox[0].body


def test_a_bad_interview_form_is_a_400_with_the_answers_kept(staff_client, draft):
    draft.status = S.INVITED_ROUND2
    draft.save()
    response = staff_client.post(
        reverse("applications:interview", args=[draft.pk]),
        {
            "starts_at": "soon",
            "time_zone": "America/Chicago",
            "meeting_url": "https://zoom.example/j/1",
            "attendees": "Chief of staff",
        },
    )
    assert response.status_code == 400 and "Chief of staff" in response.content.decode()


def test_staged_decisions_are_applied_with_edited_emails(
    staff_client, draft, django_capture_on_commit_callbacks
):
    draft.status = S.ROUND1_REVIEW
    draft.save()
    staff_client.post(reverse("applications:decision", args=[draft.pk]), {"decision": "declined"})
    draft.refresh_from_db()
    assert draft.pending_decision == "declined"
    url = reverse("applications:decisions", args=[draft.cohort.slug])
    page = staff_client.get(url).content.decode()
    assert "Decline after round 1" in page
    data = {}
    from applications.emails import email_template_get

    for key in ["invited_round2", "declined", "selected", "not_selected"]:
        template = email_template_get(cohort=draft.cohort, key=key)
        data[f"{key}-subject"] = template.subject
        data[f"{key}-body"] = template.body
    data["declined-body"] = "Dear {{ jurisdiction }}, edited by staff."
    apply_url = reverse("applications:decisions_apply", args=[draft.cohort.slug])
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(apply_url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.DECLINED and draft.pending_decision == ""
    decline = next(m for m in mail.outbox if "edited by staff" in m.body)
    assert decline.body == f"Dear {draft.jurisdiction}, edited by staff."


def test_a_broken_email_draft_is_refused(staff_client, draft):
    url = reverse("applications:decisions", args=[draft.cohort.slug])
    response = staff_client.post(url, {"declined-subject": "x", "declined-body": "{% if %}"})
    assert response.status_code == 400


def test_applicants_upload_letters_of_support_in_round_2(contact_a_client, draft, staff_client):
    draft.status = S.INTERVIEW_SCHEDULED
    draft.save()
    url = reverse("applications:letter_upload", args=[draft.pk])
    response = contact_a_client.post(
        url,
        {
            "signer_name": "Mayor Lee",
            "signer_title": "Mayor",
            "office": "Office of the Mayor",
            "dated": "2031-04-01",
            "file": pdf_upload(1, "letter.pdf"),
        },
    )
    assert response.status_code == 302
    letter = draft.support_letters.get()
    response = staff_client.get(reverse("applications:letter", args=[draft.pk, letter.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_letters_are_refused_before_round_2(contact_a_client, draft):
    url = reverse("applications:letter_upload", args=[draft.pk])
    response = contact_a_client.post(url, {"signer_name": "Mayor Lee"})
    assert response.status_code == 403


def test_the_portal_shows_the_status_in_plain_words_and_the_next_step(
    contact_a_client, draft, django_assert_max_num_queries
):
    from tests.applications.factories import InterviewFactory

    draft.status = S.INTERVIEW_SCHEDULED
    draft.save()
    InterviewFactory(application=draft, meeting_url="https://zoom.example/j/77")
    for _ in range(3):
        with_contact(
            ApplicationFactory(jurisdiction=JurisdictionFactory()), draft.contacts.first().user
        )
    with django_assert_max_num_queries(12):
        page = contact_a_client.get(reverse("applications:portal")).content.decode()
    assert "Round 2 interview scheduled" in page
    assert "https://zoom.example/j/77" in page
    assert "Upload letters of support" in page and "sign the MoU" in page


def test_the_review_queue_is_for_staff_and_has_constant_queries(
    reviewer_client, contact_a_client, django_assert_max_num_queries
):
    for _ in range(5):
        CompleteApplicationFactory(status=S.ROUND1_REVIEW)
    with django_assert_max_num_queries(8):
        assert reviewer_client.get(reverse("applications:review_queue")).status_code == 200
    assert contact_a_client.get(reverse("applications:review_queue")).status_code == 403


def test_the_review_criteria_are_the_published_four():
    cohort = CohortFactory()
    criteria_seed(cohort=cohort)
    criteria_seed(cohort=cohort)
    assert ReviewCriterion.objects.filter(cohort=cohort).count() == 4


def test_an_applicants_home_page_shows_their_application_and_next_step(client):
    from tests.accounts.factories import UserFactory

    applicant = UserFactory()
    with_contact(CompleteApplicationFactory(status=S.INVITED_ROUND2), applicant)
    client.force_login(applicant)
    page = client.get("/home/").content.decode()
    assert "My applications" in page and "Invited to round 2" in page
    assert "schedule a Zoom interview" in page


def test_starting_after_the_window_closed_is_refused(contact_a_client):
    cohort = CohortFactory(
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    response = contact_a_client.post(
        reverse("applications:start", args=[cohort.slug]),
        {"name": "X", "kind": "city", "state": "NC"},
        follow=True,
    )
    assert "is closed" in response.content.decode()
    assert not Application.objects.exists()


def test_signing_up_twice_with_one_address_is_refused(client, contact_a):
    response = client.post(
        reverse("applications:sign_up"),
        {
            "full_name": "Dana",
            "email": contact_a.email,
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert "exists already" in response.content.decode()


def test_the_start_form_asks_for_a_jurisdiction(contact_a_client):
    cohort = CohortFactory()
    response = contact_a_client.post(reverse("applications:start", args=[cohort.slug]), {})
    assert response.status_code == 200
    assert "Choose your city or county above" in response.content.decode()


def test_the_decisions_page_previews_each_email_as_it_will_be_sent(staff_client, draft):
    draft.status = S.ROUND1_REVIEW
    draft.pending_decision = "invited_round2"
    draft.save()
    page = staff_client.get(reverse("applications:decisions", args=[draft.cohort.slug]))
    text = page.content.decode()
    assert "Preview as sent to Durham, NC" in text
    assert "We are glad to invite Durham, NC to round 2" in text


def test_staff_read_a_draft_but_do_not_edit_it(staff_client, draft):
    response = staff_client.get(reverse("applications:edit", args=[draft.pk]), follow=True)
    assert "Only the applicants of this application edit its answers." in response.content.decode()
    response = staff_client.post(reverse("applications:edit", args=[draft.pk]), _answers(draft))
    draft.refresh_from_db()
    assert draft.partners == ""


def test_only_the_applicants_submit_and_only_by_post(
    contact_a_client, contact_b_client, staff_client, draft
):
    url = reverse("applications:submit", args=[draft.pk])
    assert contact_a_client.get(url).status_code == 405
    assert contact_b_client.post(url, _answers(draft)).status_code == 404
    response = staff_client.post(url, _answers(draft), follow=True)
    assert "Only the applicants of this application edit its answers." in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_the_edit_form_saves_here_and_submits_at_its_own_url(contact_a_client, draft):
    page = contact_a_client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert f'formaction="{reverse("applications:submit", args=[draft.pk])}"' in page
    assert 'name="action"' not in page


def test_applying_decisions_is_for_staff_and_only_by_post(
    contact_a_client, reviewer_client, staff_client, draft
):
    url = reverse("applications:decisions_apply", args=[draft.cohort.slug])
    assert contact_a_client.post(url).status_code == 403
    assert staff_client.get(url).status_code == 405
    assert reviewer_client.get(url).status_code == 405


def test_a_broken_email_draft_applies_nothing(staff_client, draft):
    draft.status = S.ROUND1_REVIEW
    draft.pending_decision = S.DECLINED
    draft.save()
    response = staff_client.post(
        reverse("applications:decisions_apply", args=[draft.cohort.slug]),
        {"declined-subject": "x", "declined-body": "{% if %}"},
    )
    assert response.status_code == 400
    assert "nothing was applied" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.ROUND1_REVIEW and draft.pending_decision == S.DECLINED
