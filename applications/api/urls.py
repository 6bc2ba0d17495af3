from rest_framework.routers import SimpleRouter

from applications.api import views

router = SimpleRouter()
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("reviews", views.ReviewViewSet, basename="review")

urlpatterns = router.urls
