"""Key performance and equity measures of the alternative team, month by month."""

from __future__ import annotations

import pandas as pd
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

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
    rows = list(
        records.values(
            "occurred_on",
            "response_min",
            "on_scene_min",
            "outcome",
            "race_ethnicity",
            "neighbourhood",
        )
    )
    if not rows:
        return {"months": [], "equity": [], "equity_by_month": [], "neighbourhoods": []}
    df = pd.DataFrame(rows)
    df["month"] = pd.to_datetime(df["occurred_on"]).dt.strftime("%Y-%m")
    grouped = df.groupby("month")
    table = pd.DataFrame(
        {
            "calls": grouped.size(),
            "median_response_min": grouped["response_min"].median(),
            "median_on_scene_min": grouped["on_scene_min"].median(),
            "resolved_share": grouped["outcome"].apply(lambda s: (s == "resolved").mean()),
            "transported_share": grouped["outcome"].apply(lambda s: (s == "transported").mean()),
            "referred_share": grouped["outcome"].apply(lambda s: (s == "referred").mean()),
            "police_requested_share": grouped["outcome"].apply(
                lambda s: (s == "police_requested").mean()
            ),
        }
    ).reset_index()
    months = [
        {
            k: (None if pd.isna(v) else (round(float(v), 3) if isinstance(v, float) else v))
            for k, v in row.items()
        }
        for row in table.to_dict("records")
    ]
    df["race_ethnicity"] = df["race_ethnicity"].replace("", "Not collected")
    equity = (
        df.groupby("race_ethnicity")
        .agg(
            calls=("outcome", "size"),
            police_requested_share=(
                "outcome",
                lambda s: round(float((s == "police_requested").mean()), 3),
            ),
            median_response_min=("response_min", "median"),
        )
        .reset_index()
        .sort_values("calls", ascending=False)
    )
    by_month = (
        df.groupby(["month", "race_ethnicity"])
        .agg(
            calls=("outcome", "size"),
            police_requested=("outcome", lambda s: int((s == "police_requested").sum())),
            resolved=("outcome", lambda s: int((s == "resolved").sum())),
        )
        .reset_index()
    )
    df["neighbourhood"] = df["neighbourhood"].replace("", "Not collected")
    hoods = df.groupby("neighbourhood").size().sort_values(ascending=False).head(15)
    return {
        "months": months,
        "equity": [
            {k: (None if pd.isna(v) else v) for k, v in r.items()}
            for r in equity.to_dict("records")
        ],
        "equity_by_month": [
            {
                "month": r["month"],
                "race_ethnicity": r["race_ethnicity"],
                "calls": int(r["calls"]),
                "police_requested": int(r["police_requested"]),
                "resolved": int(r["resolved"]),
            }
            for r in by_month.to_dict("records")
        ],
        "neighbourhoods": [[k, int(v)] for k, v in hoods.items()],
    }
