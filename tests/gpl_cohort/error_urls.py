"""URLs for the error-page tests: the project's own, plus a view that fails."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from gpl_cohort.urls import urlpatterns as project_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [*project_urlpatterns, path("broken/", broken)]
