from rest_framework.routers import SimpleRouter

from jurisdictions.api import views

router = SimpleRouter()
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("cohort-memberships", views.CohortMembershipViewSet, basename="cohort-membership")

urlpatterns = router.urls
