"""URLs for the error-page tests: the project's own, plus a view that fails."""

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from gpl_cohort.urls import urlpatterns as project_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def bad_input(request: HttpRequest) -> HttpResponse:
    raise BadRequest("Give the first due date as YYYY-MM-DD.")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("secret detail of the attack")


handler400 = "gpl_cohort.views.bad_request"

urlpatterns = [
    *project_urlpatterns,
    path("broken/", broken),
    path("bad-input/", bad_input),
    path("suspicious/", suspicious),
]
