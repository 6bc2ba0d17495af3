from django.urls import path

from gpl_cohort.outbox import views

app_name = "outbox"

urlpatterns = [
    path("events/", views.email_events, name="email_events"),
]
