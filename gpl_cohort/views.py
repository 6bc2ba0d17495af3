from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from gpl_cohort.accounts.roles import roles_of
from gpl_cohort.home import landing_panels_for, panels_for


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return home(request)
    return render(request, "landing.html", {"panels": landing_panels_for(request)})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    return render(request, "home.html", {"panels": panels_for(request, roles)})


def _check_database() -> dict[str, object]:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "ms": round((time.monotonic() - started) * 1000, 1),
    }


def _check_redis() -> dict[str, object] | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        client.ping()
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _check_worker() -> dict[str, object]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager (tasks run in the web process)"}
    from gpl_cohort.celery import app

    try:
        replies = app.control.inspect(timeout=1.0).ping() or {}
    except Exception as error:
        return {"ok": False, "mode": "worker", "error": type(error).__name__}
    return {"ok": bool(replies), "mode": "worker", "workers": sorted(replies)}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: the database, Redis (when configured) and the Celery worker."""
    database, redis = _check_database(), _check_redis()
    checks = {"database": database, "redis": redis, "worker": _check_worker()}
    # The worker being away degrades the service (email waits) but does not make it down.
    ok = database["ok"] and (redis is None or redis["ok"])
    body = {"status": "ok" if ok else "error", "checks": checks}
    return JsonResponse(body, status=200 if ok else 503)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 page. A `BadRequest` raised by our views carries a message written for the user
    ("Choose a jurisdiction."), so it is shown; Django's own `SuspiciousOperation` messages
    (a bad Host header, a tampered session) are not, as Django's default handler does."""
    message = str(exception) if type(exception) is BadRequest else ""
    return render(request, "400.html", {"message": message}, status=400)
