"""The project's own 400 / 403 / 404 / 500 pages, with and without DEBUG, and the favicon."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

NOT_FOUND = "We could not find that page"


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_url_shows_the_projects_404_page_and_not_the_url_list(client, debug):
    with override_settings(DEBUG=debug):
        response = Client().get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert NOT_FOUND in text
    assert "/no-such-page/" in text
    assert "URLconf" not in text
    assert "Log in" in text  # the site's navigation is there to go on from


@override_settings(DEBUG=True)
def test_an_object_that_is_not_there_shows_the_projects_404_page_under_debug(staff_client):
    response = staff_client.get("/applications/999999/")
    assert response.status_code == 404
    assert NOT_FOUND in response.content.decode()
    assert "Traceback" not in response.content.decode()


@override_settings(DEBUG=True)
def test_a_url_without_its_slash_is_still_redirected_under_debug(staff_client):
    response = staff_client.get("/home")
    assert response.status_code == 301
    assert response["Location"] == "/home/"


@override_settings(DEBUG=True, DEBUG_TECHNICAL_ERRORS=True)
def test_a_developer_can_ask_for_djangos_technical_404_page():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert NOT_FOUND not in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_a_page_the_role_may_not_see_shows_the_projects_403_page(practitioner_client, debug):
    with override_settings(DEBUG=debug):
        response = practitioner_client.get("/applications/reviews/")
    assert response.status_code == 403
    assert "This page is not open to you" in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_a_server_error_shows_the_projects_500_page_and_logs_the_traceback(debug, caplog):
    client = Client(raise_request_exception=False)
    with override_settings(DEBUG=debug, ROOT_URLCONF="tests.gpl_cohort.error_urls"):
        response = client.get("/broken/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong on our side" in text
    assert "a bug" not in text
    assert any(r.exc_info and "a bug" in str(r.exc_info[1]) for r in caplog.records)


def test_a_form_sent_without_its_csrf_token_explains_that_it_expired():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "a@b.example", "password": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_the_favicon_is_served_at_the_root_and_linked_from_every_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert finders.find("favicon.svg")


@pytest.mark.parametrize("debug", [False, True])
def test_a_bad_request_shows_its_message_on_the_projects_400_page(client, debug):
    with override_settings(DEBUG=debug, ROOT_URLCONF="tests.gpl_cohort.error_urls"):
        response = Client().get("/bad-input/")
    assert response.status_code == 400
    text = response.content.decode()
    assert "We could not understand that request" in text
    assert "Give the first due date as YYYY-MM-DD." in text
    assert "Log in" in text  # the site's navigation is there to go on from


@pytest.mark.parametrize("debug", [False, True])
def test_a_suspicious_request_gets_the_400_page_without_its_detail(client, debug):
    with override_settings(DEBUG=debug, ROOT_URLCONF="tests.gpl_cohort.error_urls"):
        response = Client().get("/suspicious/")
    assert response.status_code == 400
    text = response.content.decode()
    assert "We could not understand that request" in text
    assert "secret detail" not in text
