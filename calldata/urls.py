from django.urls import path

from calldata import views, views_cohort

app_name = "calldata"

urlpatterns = [
    path("", views.index, name="index"),
    path("datasets/<int:pk>/", views.dataset_detail, name="dataset"),
    path("datasets/<int:pk>/mapping/", views.mapping, name="mapping"),
    path("datasets/<int:pk>/progress.json", views.dataset_progress, name="progress"),
    path("datasets/<int:pk>/cancel/", views.dataset_cancel, name="cancel"),
    path("datasets/<int:pk>/file/", views.dataset_file, name="file"),
    path("datasets/<int:pk>/delete/", views.dataset_delete, name="dataset_delete"),
    path("datasets/<int:pk>/volume/", views.volume, name="volume"),
    path("code-tables/", views.code_tables, name="code_tables"),
    path("code-tables/<int:pk>/", views.code_table_detail, name="code_table"),
    path("code-tables/<int:pk>/delete/", views.code_table_delete, name="code_table_delete"),
    path("j/<int:jurisdiction_id>/combine/", views.combine, name="combine"),
    path("j/<int:jurisdiction_id>/taxonomy/", views.taxonomy, name="taxonomy"),
    path("j/<int:jurisdiction_id>/reading/", views.reading, name="reading"),
    path("j/<int:jurisdiction_id>/scenarios/", views.scenarios, name="scenarios"),
    path("j/<int:jurisdiction_id>/scenarios/new/", views.scenario_new, name="scenario_new"),
    path(
        "j/<int:jurisdiction_id>/scenarios/preview.json",
        views.scenario_preview,
        name="scenario_preview",
    ),
    path("j/<int:jurisdiction_id>/scenarios.csv", views.scenarios_csv, name="scenarios_csv"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/brief/", views.scenario_brief, name="scenario_brief"),
    path("j/<int:jurisdiction_id>/trees/", views.trees, name="trees"),
    path("trees/<int:pk>/", views.tree_detail, name="tree"),
    path("j/<int:jurisdiction_id>/outcomes/", views.outcomes, name="outcomes"),
    path("cohorts/", views_cohort.cohort_list, name="cohorts"),
    path("cohorts/<int:cohort_id>/", views_cohort.cohort_compare, name="cohort_compare"),
    path(
        "cohorts/<int:cohort_id>/compare.csv",
        views_cohort.cohort_compare_csv,
        name="cohort_compare_csv",
    ),
    path("j/<int:jurisdiction_id>/sharing/", views_cohort.cohort_sharing, name="cohort_sharing"),
    path("dictionary/", views.dictionary_index, name="dictionary"),
    path("dictionary/<int:pk>/", views.dictionary_entry, name="dictionary_entry"),
    path("dictionary/<int:pk>/delete/", views.dictionary_delete, name="dictionary_delete"),
]
