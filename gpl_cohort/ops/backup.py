"""Backup and restore of the whole program: the database and the uploaded files.

A backup is a folder with `database.dump` (pg_dump's custom format) or `database.sqlite3`,
`media.tar.gz` (every stored file, read through the storage API: the local disk or the object
store alike, as `media/<name>`) and `manifest.json` (when, what engine, row counts of the
tables, so a restore can be checked). A backup taken on one storage restores onto the other.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.utils import timezone

from gpl_cohort import storage as stored_files

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar.gz"


class BackupError(Exception):
    pass


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _pg_args(database: dict[str, Any]) -> list[str]:
    args = []
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    return args


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def table_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def backup_create(
    *, database: dict[str, Any], target: Path, storage: Storage = default_storage
) -> dict[str, Any]:
    target.mkdir(parents=True, exist_ok=True)
    engine = database["ENGINE"]
    if "postgresql" in engine:
        _run(
            [
                "pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                *_pg_args(database), "--file", str(target / PG_DUMP), str(database["NAME"]),
            ],
            _pg_env(database),
        )  # fmt: skip
    elif "sqlite3" in engine:
        source = sqlite3.connect(str(database["NAME"]))
        copy = sqlite3.connect(str(target / SQLITE_COPY))
        with copy:
            source.backup(copy)
        source.close()
        copy.close()
    else:
        raise BackupError(f"Backing up {engine} is not supported")
    media_backup(target / MEDIA_ARCHIVE, storage=storage)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "counts": table_counts(),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def backup_restore(
    *, database: dict[str, Any], source: Path, storage: Storage = default_storage
) -> dict[str, Any]:
    """Restore a backup into an EMPTY database and the storage."""
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{source} is not a backup folder (no {MANIFEST})")
    manifest = json.loads(manifest_path.read_text())
    engine = database["ENGINE"]
    if "postgresql" in engine:
        if not (source / PG_DUMP).exists():
            raise BackupError("This backup holds no PostgreSQL dump")
        _run(
            [
                "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                *_pg_args(database), "--dbname", str(database["NAME"]), str(source / PG_DUMP),
            ],
            _pg_env(database),
        )  # fmt: skip
    elif "sqlite3" in engine:
        if not (source / SQLITE_COPY).exists():
            raise BackupError("This backup holds no SQLite copy")
        destination = Path(database["NAME"])
        if destination.exists() and destination.stat().st_size > 0:
            raise BackupError(f"{destination} exists: restore needs an empty database")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / SQLITE_COPY, destination)
    else:
        raise BackupError(f"Restoring into {engine} is not supported")
    media_restore(source / MEDIA_ARCHIVE, storage=storage)
    return manifest


def media_backup(archive_path: Path, *, storage: Storage = default_storage) -> int:
    """Every stored file into a .tar.gz as `media/<name>`; returns how many."""
    count = 0
    with tarfile.open(archive_path, "w:gz") as archive:
        for name in stored_files.walk(storage=storage):
            member = tarfile.TarInfo(f"media/{name}")
            member.size = storage.size(name)
            member.mtime = int(storage.get_modified_time(name).timestamp())
            member.mode = 0o600
            with storage.open(name, "rb") as handle:
                archive.addfile(member, handle)
            count += 1
    return count


def media_restore(archive_path: Path, *, storage: Storage = default_storage) -> int:
    """Every file of a backup's media archive back into the storage under its own name (a
    file of that name already there is replaced); returns how many."""
    count = 0
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive:
            name = member.name.removeprefix("media").lstrip("/")
            # Regular files only: links and devices are skipped; the storage refuses names
            # that leave it ("..", absolute paths) with SuspiciousFileOperation.
            if not member.isfile() or not name or ".." in name.split("/"):
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(handle, name=Path(name).name))
            if saved != name:
                raise BackupError(f"{name} was restored as {saved}")
            count += 1
    return count
