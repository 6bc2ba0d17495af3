from django.urls import path

from applications import views, views_staff

app_name = "applications"

urlpatterns = [
    path("", views.portal, name="portal"),
    path("cohorts/", views.cohort_list, name="cohorts"),
    path("cohorts/<slug:slug>/", views.cohort_detail, name="cohort"),
    path("cohorts/<slug:slug>/start/", views.start, name="start"),
    path("cohorts/<slug:slug>/decisions/", views_staff.decisions, name="decisions"),
    path(
        "cohorts/<slug:slug>/decisions/apply/",
        views_staff.decisions_apply,
        name="decisions_apply",
    ),
    path("sign-up/", views.sign_up, name="sign_up"),
    path("join/<str:token>/", views.join, name="join"),
    path("reviews/", views_staff.review_queue, name="review_queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/copy-previous/", views.copy_previous, name="copy_previous"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path(
        "<int:pk>/documents/<int:document_pk>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path("<int:pk>/letters/", views.letter_upload, name="letter_upload"),
    path("<int:pk>/letters/<int:letter_pk>/", views.letter_download, name="letter"),
    path("<int:pk>/letters/request/", views_staff.letters_request, name="letters_request"),
    path("<int:pk>/transition/", views_staff.transition, name="transition"),
    path("<int:pk>/review/", views_staff.review, name="review"),
    path("<int:pk>/interview/", views_staff.interview, name="interview"),
    path("<int:pk>/mou/", views_staff.mou, name="mou"),
    path("<int:pk>/references/", views_staff.reference_check, name="reference_check"),
    path("<int:pk>/decision/", views_staff.decision_stage, name="decision"),
]
