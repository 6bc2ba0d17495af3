from django.urls import path

from jurisdictions import views

app_name = "jurisdictions"

urlpatterns = [
    path("<int:pk>/", views.jurisdiction_detail, name="detail"),
    path("<int:pk>/team/new/", views.team_edit, name="team_new"),
    path("<int:pk>/team/<int:team_pk>/", views.team_edit, name="team_edit"),
    path("seats/<int:pk>/", views.seat_detail, name="seat"),
    path("mous/<int:pk>/signed/", views.mou_download, name="mou_download"),
    path("letters/<int:pk>/", views.letter_download, name="letter_download"),
    path("cohort/", views.cohort_dashboard, name="cohort_dashboard"),
    path("resources/", views.resources, name="resources"),
    path("resources/new/", views.resource_new, name="resource_new"),
    path("resources/<int:pk>/", views.resource_download, name="resource_download"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
]
