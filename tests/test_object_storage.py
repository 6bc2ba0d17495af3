"""The program on an S3-compatible object store (STORAGE_URL): call data from upload to delete,
a download, a backup and its restore, and a bucket that stays private.

Runs on the server .ci/run starts (STORAGE_URL), or on moto's server started by
tests/object_store.py when none is given: never skipped."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse

from calldata import selectors, services
from calldata.models import Dataset
from gpl_cohort import storage
from gpl_cohort.ops.backup import media_backup, media_restore
from gpl_cohort.storage import storage_from_url
from tests.calldata import files
from tests.calldata.conftest import upload
from tests.conftest import storage_url_with_prefix
from tests.object_store import s3_server

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def s3_url() -> str:
    with s3_server() as url:
        yield url


@pytest.fixture
def on_s3(settings, s3_url) -> str:
    """This test's files in the object store, under a prefix of its own."""
    settings.STORAGE_URL = storage_url_with_prefix(s3_url, f"object-storage-{uuid.uuid4().hex}")
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(settings.STORAGE_URL)}
    assert storage.describe().startswith("S3 ")
    return settings.STORAGE_URL


def _s3_client():
    return default_storage.connection.meta.client


def test_storage_url_makes_a_private_s3_storage():
    config = storage_from_url("s3://bucket/media/?endpoint_url=http://127.0.0.1:9000&region=eu-1")
    assert config["BACKEND"] == "gpl_cohort.storage.S3Storage"  # django-storages' S3Storage
    options = config["OPTIONS"]
    assert options["bucket_name"] == "bucket" and options["location"] == "media"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["region_name"] == "eu-1"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False


@pytest.mark.parametrize(
    "url", ["http://bucket/x", "s3://", "s3://bucket?endpoint=http://x", "/var/media"]
)
def test_a_bad_storage_url_fails_at_start(url):
    with pytest.raises(ImproperlyConfigured):
        storage_from_url(url)


def test_the_local_disk_stays_the_default(settings):
    if settings.STORAGE_URL:
        pytest.skip("this run is on the object store (STORAGE_URL)")
    assert isinstance(default_storage, FileSystemStorage)
    assert storage.describe().startswith("local disk")


def test_call_data_goes_from_upload_to_delete_through_the_object_store(
    on_s3, settings, jurisdiction_a, contact_a, contact_a_client, django_capture_on_commit_callbacks
):
    content = files.csv_text().encode()
    dataset = services.dataset_upload(
        user=contact_a, jurisdiction=jurisdiction_a, upload=upload("calls.csv", content)
    )
    assert dataset.status == Dataset.Status.MAPPING, dataset.error
    assert default_storage.exists(dataset.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=contact_a)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE, dataset.error
    parquet = sorted(storage.walk(dataset.parquet_dir))
    assert any(name.endswith(".parquet") for name in parquet)
    assert f"{dataset.parquet_dir}/_scenario.arrow" in parquet
    # The work folder holds nothing once the import is over (the upload was copied into it).
    work = Path(settings.CALLDATA_WORK_DIR)
    assert not work.exists() or not any(work.iterdir())

    # The analysis reads the Parquet and the scenario table from the object store.
    assert len(selectors.calls_frame(dataset)) == dataset.rows_kept == 6
    table = selectors.scenario_table(dataset)
    assert table is not None
    calls = selectors.calls_for(dataset)
    assert calls is not None
    assert contact_a_client.get(reverse("calldata:volume", args=[dataset.pk])).status_code == 200

    # Importing again replaces the objects, leaving none of the first run's behind.
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=contact_a)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE, dataset.error
    assert sorted(storage.walk(dataset.parquet_dir)) == parquet

    # The upload comes back through the permission-checked view, streamed from the store.
    response = contact_a_client.get(reverse("calldata:file", args=[dataset.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Cache-Control"] == "private, no-store"

    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_delete(dataset=dataset)
    assert not default_storage.exists(dataset.file.name)
    assert list(storage.walk(dataset.parquet_dir)) == []


def test_an_import_that_fails_leaves_no_copy_behind(
    on_s3, settings, jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    dataset = services.dataset_upload(
        user=contact_a,
        jurisdiction=jurisdiction_a,
        upload=upload("calls.csv", files.csv_text().encode()),
    )
    mapping = {"fields": {"call_type": "Nature Code", "received_at": "Disposition"}}
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_set_mapping(dataset=dataset, mapping=mapping, user=contact_a)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.FAILED
    assert list(storage.walk(dataset.parquet_dir)) == []
    work = Path(settings.CALLDATA_WORK_DIR)
    assert not work.exists() or not any(work.iterdir())


def test_a_local_copy_is_removed_even_when_its_reader_fails(on_s3, tmp_path):
    name = default_storage.save("calldata/uploads/x.csv", ContentFile(b"a,b\n1,2\n"))
    with (
        pytest.raises(RuntimeError),
        storage.local_copies([name], work_dir=tmp_path) as [copy],
    ):
        assert copy.read_bytes() == b"a,b\n1,2\n"
        assert copy.is_relative_to(tmp_path)
        raise RuntimeError("the engine failed")
    assert not copy.exists()
    assert list(tmp_path.iterdir()) == []


def test_stored_files_stay_private(on_s3):
    name = default_storage.save("mous/signed.pdf", ContentFile(b"%PDF-1.4 signed"))
    assert default_storage.save("mous/signed.pdf", ContentFile(b"other")) != name  # no overwrite
    bucket, key = default_storage.bucket_name, default_storage._normalize_name(name)
    grants = _s3_client().get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants), grants  # no AllUsers grant
    url = default_storage.url(name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url


def test_a_backup_of_the_object_store_restores_there_and_onto_the_local_disk(
    on_s3, settings, tmp_path
):
    names = [
        default_storage.save("mous/signed.pdf", ContentFile(b"%PDF-1.4 signed")),
        default_storage.save("calldata/7/year_month=2024-01/part-0.parquet", ContentFile(b"PAR1")),
    ]
    archive = tmp_path / "media.tar.gz"
    assert media_backup(archive) == 2

    restored_url = storage_url_with_prefix(on_s3, "restored")
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(restored_url)}
    assert list(storage.walk()) == []
    assert media_restore(archive) == 2
    assert sorted(storage.walk()) == sorted(names)
    with default_storage.open(names[0]) as handle:
        assert handle.read() == b"%PDF-1.4 signed"

    local = FileSystemStorage(location=tmp_path / "local-media")
    assert media_restore(archive, storage=local) == 2
    assert (tmp_path / "local-media" / names[1]).read_bytes() == b"PAR1"
