from django.urls import path

from community import staff_views, views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("join/", views.join, name="join"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/past/", views.sessions_past, name="sessions_past"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/register/", views.session_register, name="session_register"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/invite.ics", views.session_ics, name="session_ics"),
    path("sessions/<int:pk>/slides/", views.session_slides, name="session_slides"),
    path("feed/<str:token>.ics", views.series_feed, name="series_feed"),
    path("webinars/<int:pk>/", views.webinar, name="webinar"),
    path("newsletter/", views.newsletter, name="newsletter"),
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter_confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
    path("staff/sessions/", staff_views.sessions, name="staff_sessions"),
    path("staff/sessions/<int:pk>/", staff_views.session, name="staff_session"),
    path(
        "staff/sessions/<int:pk>/registrations.csv",
        staff_views.session_registrations_csv,
        name="staff_session_csv",
    ),
    path("staff/sessions/<int:pk>/promote/", staff_views.waitlist_promote, name="staff_promote"),
    path("staff/participation/", staff_views.participation, name="staff_participation"),
    path("staff/subscribers/", staff_views.subscribers, name="staff_subscribers"),
    path("staff/newsletter/", staff_views.issues, name="staff_issues"),
    path("staff/newsletter/new/", staff_views.issue_edit, name="staff_issue_new"),
    path("staff/newsletter/<int:pk>/", staff_views.issue_detail, name="staff_issue_detail"),
    path("staff/newsletter/<int:pk>/edit/", staff_views.issue_edit, name="staff_issue_edit"),
    path(
        "staff/newsletter/<int:pk>/progress/",
        staff_views.issue_progress,
        name="staff_issue_progress",
    ),
    path(
        "staff/newsletter/<int:pk>/progress.json",
        staff_views.issue_progress_json,
        name="staff_issue_progress_json",
    ),
]
