from rest_framework.routers import SimpleRouter

from coaching.api import views

router = SimpleRouter()
router.register("logs", views.CoachingLogViewSet, basename="coaching-log")
router.register("deliverables", views.DeliverableViewSet, basename="coaching-deliverable")

urlpatterns = router.urls
