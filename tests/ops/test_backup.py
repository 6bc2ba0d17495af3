"""make backup / make restore: a restore into an empty database finds every row and file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from applications.models import Application
from jurisdictions.models import SupportLetter
from tests.applications.factories import ApplicationFactory

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
    env = {"DATABASE_URL": f"{base_url}/{database['NAME']}", "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
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
        restored_media = tmp_path / "restored-media"
        result = _manage(
            "restore",
            str(backup),
            env={"DATABASE_URL": f"{base_url}/{empty}", "MEDIA_ROOT": str(restored_media)},
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
        assert (restored_media / file_name).read_bytes() == b"%PDF-1.4 letter of support"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{empty}" WITH (FORCE)')
        admin.close()


def test_a_sqlite_backup_restores_into_an_empty_file_with_every_row_and_file(tmp_path):
    """The embedded default backs up too (a copy through SQLite's backup API)."""
    source_db = tmp_path / "source.sqlite3"
    media = tmp_path / "media"
    env = {"DATABASE_URL": f"sqlite:///{source_db}", "MEDIA_ROOT": str(media)}
    assert _manage("migrate", "-v0", env=env).returncode == 0
    seeded = _manage(
        "seed_demo",
        "--quiet-logins",
        "--only",
        "jurisdictions,accounts,applications,coaching",
        env=env,
    )
    assert seeded.returncode == 0, seeded.stderr
    (media / "mous").mkdir(parents=True)
    (media / "mous" / "signed.pdf").write_bytes(b"%PDF-1.4 signed")
    backup = tmp_path / "backup"
    result = _manage("backup", "--to", str(backup), env=env)
    assert result.returncode == 0, result.stderr

    target_db = tmp_path / "restored.sqlite3"
    restored_media = tmp_path / "restored-media"
    result = _manage(
        "restore",
        str(backup),
        env={"DATABASE_URL": f"sqlite:///{target_db}", "MEDIA_ROOT": str(restored_media)},
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Restored" in result.stdout
    assert (restored_media / "mous" / "signed.pdf").read_bytes() == b"%PDF-1.4 signed"
    again = _manage(
        "restore",
        str(backup),
        env={"DATABASE_URL": f"sqlite:///{target_db}", "MEDIA_ROOT": str(restored_media)},
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
