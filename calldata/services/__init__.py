"""Writes for call data. Views, the API, the Celery task and the demo call these functions;
each lives in the module of its area, and every one is importable from here."""

from calldata.services import queue  # noqa: F401  (tests replace queue._enqueue)
from calldata.services.analysis import (  # noqa: F401
    OUTCOME_CSV_COLUMNS,
    cohort_sharing_set,
    outcome_create,
    outcomes_import_csv,
    reading_settings_save,
    scenario_from_preset,
    scenario_results,
    scenario_save,
    scenarios_compute,
    scenarios_compute_later,
    taxonomy_confirm,
    tree_save,
)
from calldata.services.code_tables import (  # noqa: F401
    code_table_create,
    code_table_delete,
)
from calldata.services.imports import (  # noqa: F401
    ACTIVE,
    CLOCK_WARNING,
    MAPPING_KEYS,
    PHASE_PROGRESS,
    dataset_cancel,
    dataset_combine,
    dataset_delete,
    dataset_import,
    dataset_inspect,
    dataset_set_mapping,
    dataset_upload,
)
