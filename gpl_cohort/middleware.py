"""Request-level guards that apply to every page."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404
from django.views import defaults

error_logger = logging.getLogger("django.request")


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than any page accepts, before reading it.

    Django streams file uploads to disk, so without this a client claiming a 2 GB body would
    hold a worker while it uploads. Paths that accept big files (the 911 call-data import) get
    their own, larger limit from REQUEST_SIZE_LIMITS.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            size = int(declared)
        except ValueError:
            return HttpResponse("Content-Length must be a number.", status=400)
        limit = settings.REQUEST_SIZE_DEFAULT_LIMIT
        for prefix, prefix_limit in settings.REQUEST_SIZE_LIMITS.items():
            if request.path.startswith(prefix):
                limit = prefix_limit
                break
        if size > limit:
            return HttpResponse(
                f"This request is {size / 1024 / 1024:.0f} MB; this page accepts at most "
                f"{limit / 1024 / 1024:.0f} MB.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class ErrorPagesMiddleware:
    """The project's own 400 / 404 / 500 pages under DEBUG too (`make run` runs with DEBUG).

    Without DEBUG, Django renders 400.html, 403.html, 404.html and 500.html itself. With DEBUG,
    it shows its technical pages instead, and a newcomer trying the demo who mistypes a URL gets
    Django's yellow page with the whole URL list. Those pages come back with
    DJANGO_DEBUG_TECHNICAL_ERRORS=1 for a developer who wants them; a server error is always
    logged with its traceback to the console.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _active(self) -> bool:
        return settings.DEBUG and not settings.DEBUG_TECHNICAL_ERRORS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and self._active()
        ):
            # No URL pattern matched: Django answered with its technical 404.
            return defaults.page_not_found(request, Resolver404({"path": request.path_info}))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not self._active() or isinstance(exception, PermissionDenied):
            return None  # PermissionDenied renders 403.html in every mode already
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, SuspiciousOperation | BadRequest):
            from gpl_cohort.views import bad_request  # the 400 page that shows our message

            return bad_request(request, exception)
        error_logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exception,
            extra={"request": request},
        )
        return defaults.server_error(request)
