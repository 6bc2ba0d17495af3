import datetime as dt

import pytest
import time_machine

from coaching.models import CoachingLog
from tests.coaching.factories import CoachingLogFactory, DeliverableFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2021, 10, 15, 16, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_contact_creates_an_entry_through_the_api(contact_a_client, jurisdiction_a, staff_user):
    response = _post(
        contact_a_client,
        "/api/v1/coaching/logs/",
        {"date": "2021-10-14", "duration_minutes": 90, "kind": "one_on_one",
         "workstream": "rfp", "staff_member": staff_user.pk, "notes": "RFP scope"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["jurisdiction"] == jurisdiction_a.pk
    assert body["week_start"] == "2021-10-11" and body["counted"] and body["editable"]


def test_a_contact_cannot_write_for_another_jurisdiction(contact_a_client, jurisdiction_b):
    response = _post(
        contact_a_client,
        "/api/v1/coaching/logs/",
        {"jurisdiction": jurisdiction_b.pk, "date": "2021-10-14", "duration_minutes": 60,
         "kind": "one_on_one", "workstream": "rfp"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "own jurisdiction" in str(response.json())
    assert not CoachingLog.objects.exists()


def test_bad_durations_get_a_clear_answer(contact_a_client):
    response = _post(
        contact_a_client,
        "/api/v1/coaching/logs/",
        {"date": "2021-10-14", "duration_minutes": 50, "kind": "one_on_one", "workstream": "rfp"},
    )
    assert response.status_code == 400
    assert "15-minute steps" in str(response.json())


def test_staff_must_name_the_jurisdiction(staff_client):
    response = _post(
        staff_client,
        "/api/v1/coaching/logs/",
        {"date": "2021-10-14", "duration_minutes": 60, "kind": "one_on_one", "workstream": "rfp"},
    )
    assert response.status_code == 400 and "jurisdiction" in response.json()


def test_the_list_is_scoped_to_the_contacts_jurisdiction(
    contact_a_client, staff_client, jurisdiction_a, jurisdiction_b, django_assert_max_num_queries
):
    for _ in range(20):
        CoachingLogFactory(jurisdiction=jurisdiction_a)
    CoachingLogFactory(jurisdiction=jurisdiction_b)
    with django_assert_max_num_queries(8):
        response = contact_a_client.get("/api/v1/coaching/logs/")
    assert response.json()["count"] == 20
    assert staff_client.get("/api/v1/coaching/logs/").json()["count"] == 21


def test_only_the_author_patches_or_deletes_an_entry(
    contact_a_client, staff_client, contact_a, jurisdiction_a
):
    log = CoachingLogFactory(jurisdiction=jurisdiction_a, author=contact_a)
    url = f"/api/v1/coaching/logs/{log.pk}/"
    assert (
        staff_client.patch(url, {"notes": "x"}, content_type="application/json").status_code == 403
    )
    assert staff_client.delete(url).status_code == 403
    response = contact_a_client.patch(
        url, {"duration_minutes": 45}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["duration_minutes"] == 45
    assert contact_a_client.delete(url).status_code == 204


def test_a_locked_entry_cannot_be_changed_through_the_api(
    contact_a_client, contact_a, jurisdiction_a
):
    log = CoachingLogFactory(jurisdiction=jurisdiction_a, author=contact_a)
    with time_machine.travel(NOW + dt.timedelta(days=30), tick=False):
        response = contact_a_client.patch(
            f"/api/v1/coaching/logs/{log.pk}/", {"notes": "late"}, content_type="application/json"
        )
    assert response.status_code == 403


def test_deliverables_through_the_api(contact_a_client, contact_b_client, jurisdiction_a):
    deliverable = DeliverableFactory(jurisdiction=jurisdiction_a, due_on=dt.date(2021, 10, 1))
    listing = contact_a_client.get("/api/v1/coaching/deliverables/").json()
    assert listing["results"][0]["overdue"] is True
    url = f"/api/v1/coaching/deliverables/{deliverable.pk}/"
    assert contact_b_client.get(url).status_code == 404
    assert (
        contact_b_client.patch(url, {"status": "done"}, content_type="application/json").status_code
        == 404
    )
    response = contact_a_client.patch(url, {"status": "done"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["completed_on"] == "2021-10-15"
    created = _post(
        contact_a_client,
        "/api/v1/coaching/deliverables/",
        {"workstream": "community_briefing", "title": "Council briefing", "due_on": "2021-12-01"},
    )
    assert created.status_code == 201 and created.json()["jurisdiction"] == jurisdiction_a.pk


def test_the_coaching_endpoints_are_in_the_schema(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert "/api/v1/coaching/logs/" in schema["paths"]
    assert "/api/v1/coaching/deliverables/{id}/" in schema["paths"]
