from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from gpl_cohort import views
from gpl_cohort.api import urls as api_urls

handler400 = "gpl_cohort.views.bad_request"

admin.site.site_header = "Cohort administration"
admin.site.site_title = "Cohort administration"
admin.site.index_title = "Program staff"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("gpl_cohort.accounts.urls")),
    path("admin/", admin.site.urls),
    path("applications/", include("applications.urls")),
    path("jurisdictions/", include("jurisdictions.urls")),
    path("coaching/", include("coaching.urls")),
    path("community/", include("community.urls")),
    path("outbox/", include("gpl_cohort.outbox.urls")),
    path("calldata/", include("calldata.urls")),
    path("api/v1/", include(api_urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
