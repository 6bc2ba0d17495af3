from django.urls import path

from jurisdictions import views

app_name = "jurisdictions"

urlpatterns = [
    path("<int:pk>/", views.jurisdiction_detail, name="detail"),
]
