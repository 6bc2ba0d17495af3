from rest_framework.routers import SimpleRouter

from calldata.api import views

router = SimpleRouter()
router.register("datasets", views.DatasetViewSet, basename="calldata-dataset")
router.register("code-tables", views.CodeTableViewSet, basename="calldata-code-table")
router.register("scenarios", views.ScenarioViewSet, basename="calldata-scenario")
router.register("trees", views.DecisionTreeViewSet, basename="calldata-tree")
router.register(
    "reading-settings", views.ReadingSettingsViewSet, basename="calldata-reading-settings"
)
router.register("cohorts", views.CohortViewSet, basename="calldata-cohort")
router.register("outcomes", views.OutcomeRecordViewSet, basename="calldata-outcome")

urlpatterns = router.urls
