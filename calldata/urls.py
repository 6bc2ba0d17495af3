from django.urls import path

from calldata.views import cohort, datasets, dictionary, outcomes, scenarios, trees

app_name = "calldata"

urlpatterns = [
    path("", datasets.index, name="index"),
    path("datasets/<int:pk>/", datasets.dataset_detail, name="dataset"),
    path("datasets/<int:pk>/mapping/", datasets.mapping, name="mapping"),
    path("datasets/<int:pk>/progress.json", datasets.dataset_progress, name="progress"),
    path("datasets/<int:pk>/cancel/", datasets.dataset_cancel, name="cancel"),
    path("datasets/<int:pk>/file/", datasets.dataset_file, name="file"),
    path("datasets/<int:pk>/delete/", datasets.dataset_delete, name="dataset_delete"),
    path("datasets/<int:pk>/volume/", datasets.volume, name="volume"),
    path("code-tables/", datasets.code_tables, name="code_tables"),
    path("code-tables/<int:pk>/", datasets.code_table_detail, name="code_table"),
    path("code-tables/<int:pk>/delete/", datasets.code_table_delete, name="code_table_delete"),
    path("j/<int:jurisdiction_id>/combine/", datasets.combine, name="combine"),
    path("j/<int:jurisdiction_id>/taxonomy/", dictionary.taxonomy, name="taxonomy"),
    path("j/<int:jurisdiction_id>/reading/", datasets.reading, name="reading"),
    path("j/<int:jurisdiction_id>/scenarios/", scenarios.scenarios, name="scenarios"),
    path("j/<int:jurisdiction_id>/scenarios/new/", scenarios.scenario_new, name="scenario_new"),
    path(
        "j/<int:jurisdiction_id>/scenarios/preview.json",
        scenarios.scenario_preview,
        name="scenario_preview",
    ),
    path("j/<int:jurisdiction_id>/scenarios.csv", scenarios.scenarios_csv, name="scenarios_csv"),
    path("scenarios/<int:pk>/", scenarios.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/brief/", scenarios.scenario_brief, name="scenario_brief"),
    path("j/<int:jurisdiction_id>/trees/", trees.trees, name="trees"),
    path("j/<int:jurisdiction_id>/trees/redraw/", trees.tree_redraw, name="tree_redraw"),
    path("j/<int:jurisdiction_id>/trees/blank/", trees.tree_blank, name="tree_blank"),
    path("j/<int:jurisdiction_id>/trees/change/", trees.tree_change, name="tree_change"),
    path("j/<int:jurisdiction_id>/trees/save/", trees.tree_save, name="tree_save"),
    path("j/<int:jurisdiction_id>/trees/save-json/", trees.tree_save_json, name="tree_save_json"),
    path("trees/<int:pk>/", trees.tree_detail, name="tree"),
    path("j/<int:jurisdiction_id>/outcomes/", outcomes.outcomes, name="outcomes"),
    path(
        "j/<int:jurisdiction_id>/outcomes/record/", outcomes.outcome_record, name="outcome_record"
    ),
    path(
        "j/<int:jurisdiction_id>/outcomes/import/", outcomes.outcomes_import, name="outcomes_import"
    ),
    path("cohorts/", cohort.cohort_list, name="cohorts"),
    path("cohorts/<int:cohort_id>/", cohort.cohort_compare, name="cohort_compare"),
    path(
        "cohorts/<int:cohort_id>/compare.csv",
        cohort.cohort_compare_csv,
        name="cohort_compare_csv",
    ),
    path("j/<int:jurisdiction_id>/sharing/", cohort.cohort_sharing, name="cohort_sharing"),
    path("dictionary/", dictionary.dictionary_index, name="dictionary"),
    path("dictionary/preview/", dictionary.dictionary_preview, name="dictionary_preview"),
    path("dictionary/<int:pk>/", dictionary.dictionary_entry, name="dictionary_entry"),
    path(
        "dictionary/<int:pk>/preview/",
        dictionary.dictionary_preview,
        name="dictionary_entry_preview",
    ),
    path("dictionary/<int:pk>/delete/", dictionary.dictionary_delete, name="dictionary_delete"),
]
