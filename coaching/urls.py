from django.urls import path

from coaching import views

app_name = "coaching"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("week/", views.week, name="week"),
    path("logs/", views.logs, name="logs"),
    path("logs/export.csv", views.export_csv, name="export"),
    path("logs/<int:pk>/edit/", views.log_edit, name="log_edit"),
    path("logs/<int:pk>/delete/", views.log_delete, name="log_delete"),
    path("staff/", views.staff_dashboard, name="staff_dashboard"),
    path("deliverables/", views.deliverables, name="deliverables"),
    path("deliverables/new/", views.deliverable_new, name="deliverable_new"),
    path("deliverables/standard/", views.deliverables_standard, name="deliverables_standard"),
    path("deliverables/<int:pk>/", views.deliverable_detail, name="deliverable"),
    path(
        "deliverables/<int:pk>/documents/add/",
        views.deliverable_attach,
        name="deliverable_attach",
    ),
    path("documents/<int:pk>/", views.document_download, name="document"),
]
