"""make backup / make restore: a restore into an empty database finds every row and file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.utils.module_loading import import_string

from applications.models import Application
from gpl_cohort.storage import storage_from_url
from jurisdictions.models import SupportLetter
from tests.applications.factories import ApplicationFactory
from tests.conftest import storage_url_with_prefix

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _seed_rows():
    application = ApplicationFactory(status="submitted")
    letter = SupportLetter(
        jurisdiction=application.jurisdiction,
        application=application,
        signer_name="Mayor Ada",
        signer_title="Mayor",
        office="Office of the Mayor",
        dated="2022-05-01",
    )
    letter.file.save("letter.pdf", ContentFile(b"%PDF-1.4 letter of support"), save=True)
    return application, letter


def _storage_env(folder: Path, prefix: str) -> dict[str, str]:
    """Where a subprocess keeps its files: a MEDIA_ROOT, or a prefix of the test's bucket
    when the run is on an object store (STORAGE_URL)."""
    env = {"MEDIA_ROOT": str(folder)}
    if settings.STORAGE_URL:
        env["STORAGE_URL"] = storage_url_with_prefix(settings.STORAGE_URL, prefix)
    return env


def _storage(env: dict[str, str]) -> Storage:
    """The storage a subprocess with `env` uses, for the test to look into."""
    if "STORAGE_URL" in env:
        config = storage_from_url(env["STORAGE_URL"])
        return import_string(config["BACKEND"])(**config["OPTIONS"])
    return import_string("django.core.files.storage.FileSystemStorage")(location=env["MEDIA_ROOT"])


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.skipif(
    not settings.DATABASE_IS_POSTGRES and os.environ.get("CI") != "true",
    reason="pg_dump/pg_restore need PostgreSQL (CI sets DATABASE_URL)",
)
def test_a_postgres_backup_restores_into_an_empty_database_with_every_row_and_file(tmp_path):
    import psycopg2

    application, letter = _seed_rows()
    database = settings.DATABASES["default"]
    base_url = (
        f"postgres://{database['USER'] or 'postgres'}@{database['HOST']}:{database['PORT'] or 5432}"
    )
    env = {
        "DATABASE_URL": f"{base_url}/{database['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **({"STORAGE_URL": settings.STORAGE_URL} if settings.STORAGE_URL else {}),
    }
    backup = tmp_path / "backup"
    result = _manage("backup", "--to", str(backup), env=env)
    assert result.returncode == 0, result.stderr

    empty = "cohort_restore_check"
    admin = psycopg2.connect(
        host=database["HOST"], port=database["PORT"] or 5432, user=database["USER"] or "postgres",
        dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{empty}"')
        cursor.execute(f'CREATE DATABASE "{empty}"')
    try:
        restored = _storage_env(tmp_path / "restored-media", "restored")
        result = _manage(
            "restore", str(backup), env={"DATABASE_URL": f"{base_url}/{empty}", **restored}
        )
        assert result.returncode == 0, result.stderr
        connection = psycopg2.connect(
            host=database["HOST"], port=database["PORT"] or 5432,
            user=database["USER"] or "postgres", dbname=empty,
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT status FROM applications_application WHERE id = %s", [application.pk]
            )
            assert cursor.fetchone() == ("submitted",)
            cursor.execute(
                "SELECT file FROM jurisdictions_supportletter WHERE id = %s", [letter.pk]
            )
            (file_name,) = cursor.fetchone()
        connection.close()
        with _storage(restored).open(file_name) as handle:
            assert handle.read() == b"%PDF-1.4 letter of support"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{empty}" WITH (FORCE)')
        admin.close()


def test_a_sqlite_backup_restores_into_an_empty_file_with_every_row_and_file(tmp_path):
    """The embedded default backs up too (a copy through SQLite's backup API)."""
    source_db = tmp_path / "source.sqlite3"
    media = _storage_env(tmp_path / "media", "source")
    env = {"DATABASE_URL": f"sqlite:///{source_db}", **media}
    assert _manage("migrate", "-v0", env=env).returncode == 0
    seeded = _manage(
        "seed_demo",
        "--quiet-logins",
        "--only",
        "jurisdictions,accounts,applications,coaching",
        env=env,
    )
    assert seeded.returncode == 0, seeded.stderr
    assert _storage(media).save("mous/signed.pdf", ContentFile(b"%PDF-1.4 signed")) == (
        "mous/signed.pdf"
    )
    backup = tmp_path / "backup"
    result = _manage("backup", "--to", str(backup), env=env)
    assert result.returncode == 0, result.stderr

    target_db = tmp_path / "restored.sqlite3"
    restored = _storage_env(tmp_path / "restored-media", "restored")
    result = _manage(
        "restore", str(backup), env={"DATABASE_URL": f"sqlite:///{target_db}", **restored}
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Restored" in result.stdout
    with _storage(restored).open("mous/signed.pdf") as handle:
        assert handle.read() == b"%PDF-1.4 signed"
    again = _manage(
        "restore", str(backup), env={"DATABASE_URL": f"sqlite:///{target_db}", **restored}
    )
    assert again.returncode != 0
    assert "restore needs an empty database" in again.stderr


def test_restoring_a_folder_that_is_no_backup_says_so(tmp_path):
    result = _manage("restore", str(tmp_path), env={"MEDIA_ROOT": str(tmp_path / "m")})
    assert result.returncode != 0
    assert "is not a backup folder" in result.stderr


def test_application_count_is_part_of_the_manifest(tmp_path):
    from gpl_cohort.ops.backup import table_counts

    ApplicationFactory()
    assert table_counts()["applications.Application"] == Application.objects.count() == 1
