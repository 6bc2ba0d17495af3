import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.models import CohortMembership
from jurisdictions.models import MoU, Resource, ResponseTeam
from tests.cohorts.factories import CohortMembershipFactory
from tests.jurisdictions.factories import (
    MoUFactory,
    ResourceFactory,
    ResponseTeamFactory,
    SupportLetterFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

S = MoU.Status


@pytest.fixture
def seat(jurisdiction_a):
    return CohortMembershipFactory(
        jurisdiction=jurisdiction_a, status=CohortMembership.Status.SELECTED
    )


def test_a_contact_uploads_the_signed_mou_letter_and_names_the_point_of_contact(
    contact_a_client, contact_a, seat
):
    MoUFactory(membership=seat, status=S.SENT, sent_at=dt.datetime(2021, 8, 2, tzinfo=dt.UTC))
    url = reverse("jurisdictions:seat", args=[seat.pk])
    page = contact_a_client.get(url).content.decode()
    assert "Upload the signed MoU" in page and "Still needed to enrol" in page
    response = contact_a_client.post(
        reverse("jurisdictions:seat_mou_signed", args=[seat.pk]),
        {"signed-jurisdiction_signatory": "Wanda Page",
         "signed-jurisdiction_signatory_title": "City Manager", "signed-file": pdf_upload()},
    )  # fmt: skip
    assert response.status_code == 302
    response = contact_a_client.post(
        reverse("jurisdictions:seat_letter_add", args=[seat.pk]),
        {"letter-signer_name": "Elaine O'Neal", "letter-signer_title": "Mayor",
         "letter-office": "Office of the Mayor", "letter-dated": "2021-08-10",
         "letter-file": pdf_upload("letter.pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    response = contact_a_client.post(
        reverse("jurisdictions:seat_point_of_contact", args=[seat.pk]), {"poc-new": contact_a.pk}
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.status == CohortMembership.Status.ENROLLED
    assert "All enrolment paperwork is in" in contact_a_client.get(url).content.decode()


def test_a_wrong_file_keeps_the_other_answers_and_says_why(contact_a_client, seat):
    MoUFactory(membership=seat, status=S.SENT)
    response = contact_a_client.post(
        reverse("jurisdictions:seat_mou_signed", args=[seat.pk]),
        {"signed-jurisdiction_signatory": "Wanda Page",
         "signed-file": SimpleUploadedFile("mou.pdf", b"\x00\x01\x02junk" * 20)},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "Accepted: PDF" in page
    assert 'value="Wanda Page"' in page


def test_another_jurisdictions_contact_cannot_see_the_seat_or_its_files(contact_b_client, seat):
    mou = MoUFactory(
        membership=seat, status=S.SIGNED, signed_file=pdf_upload(), signed_file_name="m.pdf"
    )
    letter = SupportLetterFactory(membership=seat)
    assert contact_b_client.get(reverse("jurisdictions:seat", args=[seat.pk])).status_code == 404
    assert (
        contact_b_client.get(reverse("jurisdictions:mou_download", args=[mou.pk])).status_code
        == 404
    )
    assert (
        contact_b_client.get(reverse("jurisdictions:letter_download", args=[letter.pk])).status_code
        == 404
    )


def test_the_seat_owner_downloads_the_signed_mou(contact_a_client, seat):
    mou = MoUFactory(
        membership=seat, status=S.SIGNED, signed_file=pdf_upload(), signed_file_name="m.pdf"
    )
    response = contact_a_client.get(reverse("jurisdictions:mou_download", args=[mou.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_staff_send_and_countersign_and_see_the_history(staff_client, contact_a_client, seat):
    url = reverse("jurisdictions:seat", args=[seat.pk])
    step = reverse("jurisdictions:seat_mou_step", args=[seat.pk])
    staff_client.post(reverse("jurisdictions:seat_mou_draft", args=[seat.pk]))
    staff_client.post(step, {"to_status": S.SENT})
    mou = MoU.objects.get(membership=seat)
    assert mou.status == S.SENT
    # A contact cannot countersign, even by posting the step.
    contact_a_client.post(step, {"to_status": S.COUNTERSIGNED})
    mou.refresh_from_db()
    assert mou.status == S.SENT
    response = staff_client.post(step, {"to_status": "published"}, follow=True)
    assert "cannot become" in response.content.decode()
    page = staff_client.get(url).content.decode()
    assert "Drafted → Sent to the jurisdiction" in page


def test_the_point_of_contact_history_is_shown_to_staff(staff_client, contact_a, seat):
    from jurisdictions.services import point_of_contact_change
    from tests.accounts.factories import UserFactory

    point_of_contact_change(membership=seat, new=contact_a, reason="", by=contact_a)
    deputy = UserFactory(contact_jurisdiction=seat.jurisdiction, full_name="Deputy Dee")
    point_of_contact_change(membership=seat, new=deputy, reason="Dana left", by=contact_a)
    page = staff_client.get(reverse("jurisdictions:seat", args=[seat.pk])).content.decode()
    assert "“Dana left”" in page
    dashboard = staff_client.get(reverse("jurisdictions:cohort_dashboard")).content.decode()
    assert "changed 1×" in dashboard


def test_the_cohort_dashboard_shows_outstanding_paperwork_and_teams_from_911(
    staff_client, django_assert_max_num_queries
):
    from tests.cohorts.factories import CohortFactory

    cohort = CohortFactory()
    for i in range(12):
        m = CohortMembershipFactory(cohort=cohort, status=CohortMembership.Status.SELECTED)
        if i % 3 == 0:
            ResponseTeamFactory(jurisdiction=m.jurisdiction)
        if i % 2 == 0:
            MoUFactory(membership=m, status=S.SIGNED)
            SupportLetterFactory(membership=m)
    ResponseTeamFactory(
        jurisdiction=CohortMembership.objects.first().jurisdiction,
        status=ResponseTeam.Status.PLANNING,
        launched_on=None,
    )
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("jurisdictions:cohort_dashboard"))
    page = response.content.decode()
    assert "4 of 12" in page  # teams launched from 911
    assert "signed MoU, leadership support letter, point of contact" in page
    assert "12 of 12" in page  # every seat still lacks its point of contact


def test_only_staff_see_the_cohort_dashboard(contact_a_client, practitioner_client):
    assert contact_a_client.get(reverse("jurisdictions:cohort_dashboard")).status_code == 403
    assert practitioner_client.get(reverse("jurisdictions:cohort_dashboard")).status_code == 403


def test_the_cohort_dashboard_refuses_an_unknown_cohort(staff_client, seat):
    assert (
        staff_client.get(reverse("jurisdictions:cohort_dashboard") + "?cohort=x").status_code == 400
    )


def test_a_contact_edits_their_response_team_and_adds_agencies_and_people(
    contact_a_client, jurisdiction_a
):
    team = ResponseTeamFactory(jurisdiction=jurisdiction_a)
    response = contact_a_client.post(
        reverse("jurisdictions:team_edit", args=[jurisdiction_a.pk, team.pk]),
        {"name": "HEART", "status": "launched", "launched_on": "", "dispatched_from": "911",
         "call_types": "Welfare checks", "make_up_text": "Peers\nEMTs"},
    )  # fmt: skip
    assert "A launched team needs its launch date." in response.content.decode()
    response = contact_a_client.post(
        reverse("jurisdictions:team_edit", args=[jurisdiction_a.pk, team.pk]),
        {"name": "HEART", "status": "launched", "launched_on": "2022-06-01",
         "dispatched_from": "911", "call_types": "Welfare checks", "make_up_text": "Peers\nEMTs"},
    )  # fmt: skip
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.make_up == ["Peers", "EMTs"]
    url = reverse("jurisdictions:detail", args=[jurisdiction_a.pk])
    contact_a_client.post(
        reverse("jurisdictions:agency_add", args=[jurisdiction_a.pk]),
        {"agency-name": "Emergency Communications", "agency-kind": "dispatch"},
    )
    agency = jurisdiction_a.agencies.get()
    contact_a_client.post(
        reverse("jurisdictions:person_add", args=[jurisdiction_a.pk]),
        {"person-full_name": "Ryan Smith", "person-title": "Director",
              "person-agency": agency.pk, "person-email": "ryan@durhamnc.gov"},
    )  # fmt: skip
    page = contact_a_client.get(url).content.decode()
    assert "Ryan Smith" in page and "Emergency Communications" in page
    duplicate = contact_a_client.post(
        reverse("jurisdictions:agency_add", args=[jurisdiction_a.pk]),
        {"agency-name": "emergency communications", "agency-kind": "dispatch"},
    )
    assert "is already listed" in duplicate.content.decode()


def test_another_contact_cannot_edit_the_team(contact_b_client, jurisdiction_a):
    team = ResponseTeamFactory(jurisdiction=jurisdiction_a)
    url = reverse("jurisdictions:team_edit", args=[jurisdiction_a.pk, team.pk])
    assert contact_b_client.get(url).status_code == 404


def test_staff_upload_to_the_resource_library(staff_client):
    response = staff_client.post(
        reverse("jurisdictions:resource_new"),
        {"title": "Denver STAR job description", "description": "Clinician posting",
         "category": "hiring", "tags": "Job description, clinicians", "file": pdf_upload("jd.pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert sorted(t.name for t in resource.tags.all()) == ["clinicians", "job description"]
    bad = staff_client.post(
        reverse("jurisdictions:resource_new"),
        {
            "title": "x",
            "category": "hiring",
            "file": SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 50),
        },
    )
    assert "a type we cannot read" in bad.content.decode()


def test_cohort_members_and_practitioners_read_the_library_and_search_it(
    contact_a_client, practitioner_client, contact_b_client, jurisdiction_a
):
    CohortMembershipFactory(jurisdiction=jurisdiction_a)
    tree = ResourceFactory(title="Call decision tree, Eugene CAHOOTS")
    tree.tags.create(name="dispatch")
    ResourceFactory(title="Evaluation plan template", category="evaluation")
    for client in (contact_a_client, practitioner_client):
        page = client.get(reverse("jurisdictions:resources") + "?q=cahoots").content.decode()
        assert "Eugene CAHOOTS" in page and "Evaluation plan template" not in page
    page = practitioner_client.get(
        reverse("jurisdictions:resources") + "?tag=dispatch"
    ).content.decode()
    assert "Eugene CAHOOTS" in page and "Evaluation plan" not in page
    download = practitioner_client.get(reverse("jurisdictions:resource_download", args=[tree.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Phoenix holds no cohort seat here and its contact is no practitioner: no library.
    assert contact_b_client.get(reverse("jurisdictions:resources")).status_code == 403
    assert (
        contact_b_client.get(reverse("jurisdictions:resource_download", args=[tree.pk])).status_code
        == 404
    )


def test_only_staff_upload_or_remove_resources(practitioner_client, contact_a_client, staff_client):
    resource = ResourceFactory()
    assert practitioner_client.get(reverse("jurisdictions:resource_new")).status_code == 403
    assert (
        contact_a_client.post(
            reverse("jurisdictions:resource_delete", args=[resource.pk])
        ).status_code
        == 403
    )
    assert (
        staff_client.get(reverse("jurisdictions:resource_delete", args=[resource.pk])).status_code
        == 405
    )
    assert (
        staff_client.post(reverse("jurisdictions:resource_delete", args=[resource.pk])).status_code
        == 302
    )
    assert not Resource.objects.exists()


def test_the_resource_library_lists_in_few_queries(staff_client, django_assert_max_num_queries):
    for i in range(30):
        ResourceFactory().tags.create(name=f"tag {i}")
    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("jurisdictions:resources"))
    assert response.status_code == 200


def test_the_resources_menu_shows_only_to_people_the_library_admits(
    contact_a_client, contact_b_client, practitioner_client, contact_a
):
    from tests.cohorts.factories import CohortMembershipFactory

    CohortMembershipFactory(jurisdiction=contact_a.contact_jurisdiction)
    menu = '/jurisdictions/resources/">Resources</a>'
    assert menu in contact_a_client.get("/home/").content.decode()
    assert menu in practitioner_client.get("/home/").content.decode()
    # Phoenix holds no cohort seat: the library would answer 403, so the menu leaves it out.
    assert menu not in contact_b_client.get("/home/").content.decode()
    assert contact_b_client.get("/jurisdictions/resources/").status_code == 403
