"""Each action of the jurisdiction and seat pages has its own URL: who may post there, who
gets 403 or 404, and that a GET is refused with 405."""

import pytest
from django.urls import reverse

from cohorts.models import CohortMembership
from jurisdictions.models import MoU
from tests.cohorts.factories import CohortMembershipFactory
from tests.jurisdictions.factories import MoUFactory

pytestmark = pytest.mark.django_db

SEAT_ACTIONS = [
    "jurisdictions:seat_mou_draft",
    "jurisdictions:seat_mou_step",
    "jurisdictions:seat_mou_signed",
    "jurisdictions:seat_letter_add",
    "jurisdictions:seat_point_of_contact",
]
DETAIL_ACTIONS = ["jurisdictions:agency_add", "jurisdictions:person_add"]


@pytest.fixture
def seat(jurisdiction_a):
    return CohortMembershipFactory(
        jurisdiction=jurisdiction_a, status=CohortMembership.Status.SELECTED
    )


@pytest.mark.parametrize("name", SEAT_ACTIONS)
def test_another_jurisdictions_contact_gets_404_from_every_seat_action(
    name, contact_b_client, practitioner_client, seat
):
    MoUFactory(membership=seat, status=MoU.Status.SENT)
    url = reverse(name, args=[seat.pk])
    assert contact_b_client.post(url, {"to_status": MoU.Status.SIGNED}).status_code == 404
    assert practitioner_client.post(url).status_code == 404
    assert MoU.objects.get().status == MoU.Status.SENT


@pytest.mark.parametrize("name", SEAT_ACTIONS + DETAIL_ACTIONS)
def test_every_action_url_refuses_a_get_with_405(name, contact_a_client, seat, jurisdiction_a):
    pk = jurisdiction_a.pk if name in DETAIL_ACTIONS else seat.pk
    assert contact_a_client.get(reverse(name, args=[pk])).status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client, seat):
    response = client.post(reverse("jurisdictions:seat_mou_draft", args=[seat.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_draft_the_mou_and_a_contact_may_not(staff_client, contact_a_client, seat):
    url = reverse("jurisdictions:seat_mou_draft", args=[seat.pk])
    assert contact_a_client.post(url).status_code == 403
    assert not MoU.objects.exists()
    response = staff_client.post(url, follow=True)
    assert "MoU drafted." in response.content.decode()
    assert MoU.objects.get().membership == seat


def test_a_step_without_a_mou_is_explained_on_the_seat_page(staff_client, seat):
    response = staff_client.post(
        reverse("jurisdictions:seat_mou_step", args=[seat.pk]),
        {"to_status": MoU.Status.SENT},
        follow=True,
    )
    assert "no MoU yet" in response.content.decode()


def test_a_step_without_its_status_is_a_400_that_says_so(staff_client, seat):
    MoUFactory(membership=seat)
    response = staff_client.post(reverse("jurisdictions:seat_mou_step", args=[seat.pk]), {})
    assert response.status_code == 400
    assert "Unknown MoU step." in response.content.decode()


def test_signing_before_the_mou_exists_is_explained_on_the_seat_page(contact_a_client, seat):
    from tests.jurisdictions.factories import pdf_upload

    response = contact_a_client.post(
        reverse("jurisdictions:seat_mou_signed", args=[seat.pk]),
        {"signed-jurisdiction_signatory": "Wanda Page", "signed-file": pdf_upload()},
        follow=True,
    )
    assert "no MoU yet" in response.content.decode()
    assert not MoU.objects.exists()


def test_the_seat_page_forms_post_to_their_own_urls(contact_a_client, seat):
    MoUFactory(membership=seat, status=MoU.Status.SENT)
    page = contact_a_client.get(reverse("jurisdictions:seat", args=[seat.pk])).content.decode()
    for name in SEAT_ACTIONS[2:]:
        assert f'action="{reverse(name, args=[seat.pk])}"' in page
    assert 'name="action"' not in page


@pytest.mark.parametrize("name", DETAIL_ACTIONS)
def test_only_those_who_edit_the_jurisdiction_add_agencies_and_people(
    name, contact_b_client, practitioner_client, jurisdiction_a
):
    url = reverse(name, args=[jurisdiction_a.pk])
    data = {"agency-name": "Dispatch", "agency-kind": "dispatch", "person-full_name": "Ryan"}
    assert contact_b_client.post(url, data).status_code == 404
    assert practitioner_client.post(url, data).status_code == 404
    assert not jurisdiction_a.agencies.exists() and not jurisdiction_a.people.exists()


def test_a_person_without_a_name_is_refused_and_the_other_answers_kept(
    contact_a_client, jurisdiction_a
):
    response = contact_a_client.post(
        reverse("jurisdictions:person_add", args=[jurisdiction_a.pk]),
        {"person-full_name": "", "person-title": "Director of 911"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required" in page and 'value="Director of 911"' in page
    assert not jurisdiction_a.people.exists()
