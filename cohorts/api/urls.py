from rest_framework.routers import SimpleRouter

from cohorts.api import views

router = SimpleRouter()
router.register("cohorts", views.CohortViewSet, basename="cohort")
router.register("cohort-memberships", views.CohortMembershipViewSet, basename="cohort-membership")

urlpatterns = router.urls
