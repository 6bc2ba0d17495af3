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
        "staff/sessions/<int:pk>/attendance/",
        staff_views.attendance_save,
        name="staff_attendance",
    ),
    path(
        "staff/sessions/<int:pk>/attendance/import/",
        staff_views.attendance_import,
        name="staff_attendance_import",
    ),
    path("staff/sessions/<int:pk>/materials/", staff_views.materials_save, name="staff_materials"),
    path("staff/sessions/<int:pk>/followup/", staff_views.followup_send, name="staff_followup"),
    path(
        "staff/sessions/<int:pk>/registrations/<int:registration_pk>/cancel/",
        staff_views.registration_cancel,
        name="staff_registration_cancel",
    ),
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
    path("staff/newsletter/<int:pk>/test/", staff_views.issue_test, name="staff_issue_test"),
    path("staff/newsletter/<int:pk>/send/", staff_views.issue_send, name="staff_issue_send"),
    path(
        "staff/newsletter/<int:pk>/send-late/",
        staff_views.issue_confirm_late,
        name="staff_issue_confirm_late",
    ),
    path(
        "staff/newsletter/<int:pk>/schedule/",
        staff_views.issue_schedule,
        name="staff_issue_schedule",
    ),
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
