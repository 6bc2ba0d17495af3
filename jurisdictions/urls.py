from django.urls import path

from jurisdictions import views

app_name = "jurisdictions"

urlpatterns = [
    path("<int:pk>/", views.jurisdiction_detail, name="detail"),
    path("<int:pk>/agencies/add/", views.agency_add, name="agency_add"),
    path("<int:pk>/people/add/", views.person_add, name="person_add"),
    path("<int:pk>/team/new/", views.team_edit, name="team_new"),
    path("<int:pk>/team/<int:team_pk>/", views.team_edit, name="team_edit"),
    path("seats/<int:pk>/", views.seat_detail, name="seat"),
    path("seats/<int:pk>/mou/draft/", views.seat_mou_draft, name="seat_mou_draft"),
    path("seats/<int:pk>/mou/step/", views.seat_mou_step, name="seat_mou_step"),
    path("seats/<int:pk>/mou/signed/", views.seat_mou_signed, name="seat_mou_signed"),
    path("seats/<int:pk>/letters/add/", views.seat_letter_add, name="seat_letter_add"),
    path(
        "seats/<int:pk>/point-of-contact/",
        views.seat_point_of_contact,
        name="seat_point_of_contact",
    ),
    path("mous/<int:pk>/signed/", views.mou_download, name="mou_download"),
    path("letters/<int:pk>/", views.letter_download, name="letter_download"),
    path("cohort/", views.cohort_dashboard, name="cohort_dashboard"),
    path("resources/", views.resources, name="resources"),
    path("resources/new/", views.resource_new, name="resource_new"),
    path("resources/<int:pk>/", views.resource_download, name="resource_download"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
]
