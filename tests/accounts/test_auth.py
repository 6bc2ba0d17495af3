import pytest
from django.core import mail
from django.urls import reverse

from gpl_cohort.outbox.models import EmailDelivery

pytestmark = pytest.mark.django_db


def test_a_person_logs_in_with_their_email_address_in_any_case(client, contact_a, password):
    response = client.post(
        reverse("login"), {"username": "CONTACT@DurhamNC.gov", "password": password}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_wrong_password_says_so_and_keeps_the_email(client, contact_a):
    response = client.post(
        reverse("login"), {"username": "contact@durhamnc.gov", "password": "not-it"}
    )
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert 'value="contact@durhamnc.gov"' in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_log_out_is_a_post_and_ends_the_session(contact_a_client):
    assert contact_a_client.get(reverse("logout")).status_code == 405
    response = contact_a_client.post(reverse("logout"))
    assert response.status_code == 302
    assert contact_a_client.get(reverse("home")).status_code == 302


def test_password_reset_email_goes_through_the_outbox_and_its_link_works(
    client, contact_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "contact@durhamnc.gov"})
    assert response.status_code == 302
    delivery = EmailDelivery.objects.get(recipient="contact@durhamnc.gov")
    assert delivery.status == EmailDelivery.Status.SENT
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/password-reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    set_password_page = client.get("/" + path, follow=True)
    assert "Choose a new password" in set_password_page.content.decode()
    done = client.post(
        set_password_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert done.status_code == 302
    contact_a.refresh_from_db()
    assert contact_a.check_password("a-new-long-passphrase")


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.gov"})
    assert response.status_code == 302
    assert EmailDelivery.objects.count() == 0


def test_a_short_password_is_refused(client, contact_a):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("short", contact_a)


def test_log_in_is_locked_after_five_failures_even_with_the_right_password(
    client, contact_a, password
):
    for _ in range(5):
        client.post(reverse("login"), {"username": contact_a.email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": contact_a.email, "password": password})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_api_token_endpoint_is_throttled_the_same_way(client, contact_a, password):
    for _ in range(5):
        client.post("/api/v1/auth/token/", {"username": contact_a.email, "password": "wrong"})
    response = client.post(
        "/api/v1/auth/token/", {"username": contact_a.email, "password": password}
    )
    assert response.status_code == 400
    assert "token" not in response.json()
