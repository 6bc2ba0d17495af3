"""Fixtures for call-data tests: the real Burlington export and small messy files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from calldata import services
from calldata.models import Dataset
from tests.calldata import files
from tests.jurisdictions.factories import JurisdictionFactory

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
BURLINGTON = SHARED_DATA / "cad-samples" / "burlington-vt-police-incidents-2022.csv"
APCO = SHARED_DATA / "reference" / "apco_common_incident_types_2.103.2-2019.csv"


def need(path: Path) -> Path:
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI must clone shared/ beside the repository")
        pytest.skip(
            f"{path} is missing (shared data is kept beside the repository, in ../shared/data)"
        )
    return path


@pytest.fixture
def burlington_path() -> Path:
    return need(BURLINGTON)


@pytest.fixture
def burlington(db):
    return JurisdictionFactory(name="Burlington", state="VT", time_zone="America/New_York")


@pytest.fixture
def burlington_imported(
    burlington, burlington_upload, staff_user, django_capture_on_commit_callbacks
):
    dataset = services.dataset_upload(
        user=staff_user, jurisdiction=burlington, upload=burlington_upload
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=staff_user)
    dataset.refresh_from_db()
    return dataset


@pytest.fixture
def apco_path() -> Path:
    return need(APCO)


@pytest.fixture
def burlington_upload(burlington_path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "police-incidents-2022.csv", burlington_path.read_bytes(), content_type="text/csv"
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def import_upload(jurisdiction, user, name: str, content: bytes, capture) -> Dataset:
    """Upload a file and import it with the proposed mapping (it must succeed)."""
    dataset = services.dataset_upload(
        user=user, jurisdiction=jurisdiction, upload=upload(name, content)
    )
    assert dataset.status == Dataset.Status.MAPPING, dataset.error
    with capture(execute=True):
        services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=user)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE, dataset.error
    return dataset


@pytest.fixture
def imported_a(jurisdiction_a, contact_a, django_capture_on_commit_callbacks):
    dataset = services.dataset_upload(
        user=contact_a,
        jurisdiction=jurisdiction_a,
        upload=upload("calls.csv", files.csv_text().encode()),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=contact_a)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE, dataset.error
    return dataset
