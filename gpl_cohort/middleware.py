"""Request-level guards that apply to every page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
