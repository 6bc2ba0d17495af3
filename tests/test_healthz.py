import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_and_the_worker_mode(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    if settings.REDIS_URL:
        assert body["checks"]["redis"]["ok"] is True
    else:
        assert body["checks"]["redis"] is None


def test_healthz_answers_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
