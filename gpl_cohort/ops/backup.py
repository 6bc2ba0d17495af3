"""Backup and restore of the whole program: the database and the uploaded files.

A backup is a folder with `database.dump` (pg_dump's custom format) or `database.sqlite3`,
`media.tar.gz` (everything under MEDIA_ROOT) and `manifest.json` (when, what engine, row counts
of the tables, so a restore can be checked).
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
from django.utils import timezone

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


def backup_create(*, database: dict[str, Any], media_root: Path, target: Path) -> dict[str, Any]:
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
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname="media")
    manifest = {
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "counts": table_counts(),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def backup_restore(*, database: dict[str, Any], media_root: Path, source: Path) -> dict[str, Any]:
    """Restore a backup into an EMPTY database and the media folder."""
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
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_ARCHIVE, "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("media")]
        for member in members:
            member.name = member.name[len("media") :].lstrip("/") or "."
        # The "data" filter refuses absolute paths, links out of the folder and devices.
        archive.extractall(media_root, members=members, filter="data")
    return manifest
