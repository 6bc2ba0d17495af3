"""Demo call data: the real Burlington, VT export (../shared/data/cad-samples/) imported for a
demo jurisdiction, one scenario from a preset and a first decision tree. Safe to run again."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from calldata import services
from calldata.engine.tree import DEFAULT_TREE
from calldata.models import Dataset, DecisionTree, Scenario
from gpl_cohort.accounts.models import User
from jurisdictions.models import Jurisdiction

SAMPLE = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "data"
    / "cad-samples"
    / "burlington-vt-police-incidents-2022.csv"
)
DEMO_NAME = "burlington-vt-police-incidents-2022.csv"


def _synthetic_csv(rows: int = 3000) -> bytes:
    """A small CAD export in the Burlington shape, for when the shared sample is absent."""
    rng = np.random.default_rng(2022)
    types = [
        "Welfare Check",
        "Noise",
        "Mental Health Issue",
        "Intoxication",
        "Trespass",
        "Suspicious Event",
        "Traffic",
        "Assault - Simple",
        "Retail Theft",
        "Alarm",
    ]
    out = io.StringIO()
    out.write("incident_number,call_type,call_time,call_origin,mental_health,priority\n")
    start = np.datetime64("2022-01-01T00:00:00")
    for i in range(rows):
        when = start + np.timedelta64(int(rng.integers(0, 180 * 86400)), "s")
        call_type = types[int(rng.integers(0, len(types)))]
        out.write(
            f"22DEMO{i:06d},{call_type},{when}-05:00,"
            f"{rng.choice(['911', 'Phone', 'Officer/Radio'])},"
            f"{int(call_type == 'Mental Health Issue')},Priority {rng.integers(1, 4)}\n"
        )
    return out.getvalue().encode()


def seed(log: Callable[[str], None]) -> None:
    jurisdiction, _ = Jurisdiction.objects.get_or_create(
        name="Burlington",
        state="VT",
        kind=Jurisdiction.Kind.CITY,
        defaults={"population": 44_700, "time_zone": "America/New_York"},
    )
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    if staff is None:  # accounts' demo makes the staff logins first
        return
    dataset = Dataset.objects.filter(
        jurisdiction=jurisdiction, original_name=DEMO_NAME, status=Dataset.Status.DONE
    ).first()
    if dataset is None:
        content = SAMPLE.read_bytes() if SAMPLE.exists() else _synthetic_csv()
        dataset = services.dataset_upload(
            user=staff,
            jurisdiction=jurisdiction,
            upload=SimpleUploadedFile(DEMO_NAME, content, content_type="text/csv"),
        )
        services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=staff)
        services.dataset_import(dataset_id=dataset.pk)
        dataset.refresh_from_db()
        log(
            f"calldata: imported {dataset.rows_kept} calls for {jurisdiction} "
            f"({'shared sample' if SAMPLE.exists() else 'synthetic file'}): {dataset.status}"
        )
    if not Scenario.objects.filter(jurisdiction=jurisdiction, preset="eugene-cahoots").exists():
        services.scenario_from_preset(jurisdiction=jurisdiction, user=staff, key="eugene-cahoots")
        log("calldata: scenario from the Eugene CAHOOTS preset")
    if not DecisionTree.objects.filter(jurisdiction=jurisdiction).exists():
        services.tree_save(
            jurisdiction=jurisdiction,
            user=staff,
            name="Dispatcher triage",
            nodes=DEFAULT_TREE,
            note="first draft",
        )
