import pytest

pytestmark = pytest.mark.django_db


def test_every_page_sends_a_csp_without_inline_scripts_and_denies_framing(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_page_of_the_shell_carries_an_inline_script(client, staff_client):
    for page in (client.get("/"), client.get("/accounts/login/"), staff_client.get("/home/")):
        html = page.content.decode()
        for chunk in html.split("<script")[1:]:
            opening = chunk.split(">", 1)[0]
            assert "src=" in opening or 'type="application/json"' in opening, opening


def test_a_request_claiming_a_two_gigabyte_body_is_refused_before_it_is_read(client):
    response = client.generic("POST", "/accounts/login/", b"x", CONTENT_LENGTH=str(2 * 1024**3))
    assert response.status_code == 413
    assert "at most 60 MB" in response.content.decode()


def test_a_nonsense_content_length_gets_a_clear_answer(client):
    response = client.generic("POST", "/accounts/login/", b"x", CONTENT_LENGTH="lots")
    assert response.status_code == 400


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
