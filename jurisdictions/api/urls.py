from rest_framework.routers import SimpleRouter

from jurisdictions.api import views

router = SimpleRouter()
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("mous", views.MoUViewSet, basename="mou")
router.register("support-letters", views.SupportLetterViewSet, basename="support-letter")
router.register("resources", views.ResourceViewSet, basename="resource")

urlpatterns = router.urls
