"""Outcome records of the alternative team: the import check of an outcomes file, and the
monthly measures (computed by engine/outcomes.py on the records as a DataFrame)."""

from __future__ import annotations

import pandas as pd
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from calldata.engine import outcomes as outcomes_engine
from calldata.engine.outcomes import OUTCOME_COLUMNS
from gpl_cohort.uploads import MB, csv_rows, read_csv_upload, safe_filename

OUTCOMES_IMPORT_MAX_BYTES = 5 * MB


def outcomes_import_check(upload: UploadedFile) -> None:
    """Refuse, with a message, an outcomes file the import could not read.

    Runs in the import form before the file is read whole: size and type first, then the
    encoding, NUL characters and CSV structure, so services.outcomes_import_csv only ever sees
    text it can decode and parse and a bad file never becomes a server error.
    """
    text = read_csv_upload(upload, max_bytes=OUTCOMES_IMPORT_MAX_BYTES)
    for _ in csv_rows(text, name=safe_filename(upload.name or ""), max_columns=50):
        pass


def monthly_kpis(records: QuerySet) -> dict:
    """The alternative team's measures month by month (engine/outcomes.py) of these records."""
    rows = list(records.values(*OUTCOME_COLUMNS))
    return outcomes_engine.monthly_kpis(pd.DataFrame(rows, columns=list(OUTCOME_COLUMNS)))
