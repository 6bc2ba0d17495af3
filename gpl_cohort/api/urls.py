"""/api/v1/: each app contributes its own router under its own prefix."""

from django.urls import include, path

from gpl_cohort.api import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("", include("cohorts.api.urls")),
    path("", include("jurisdictions.api.urls")),
    path("", include("applications.api.urls")),
    path("coaching/", include("coaching.api.urls")),
    path("community/", include("community.api.urls")),
    path("calldata/", include("calldata.api.urls")),
]
