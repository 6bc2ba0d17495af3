"""Files are reached through Django's storage API only, so the program runs on an object store
as on the local disk: no module but the settings and gpl_cohort/storage.py names MEDIA_ROOT or
asks a stored file or a storage for its path on disk."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import FileField

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"gpl_cohort/settings.py", "gpl_cohort/storage.py"}
SKIPPED_FOLDERS = {"tests", ".venv", "var", "node_modules", "migrations"}


def _file_field_names() -> set[str]:
    return {
        field.name
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
    }


def _terminal_name(node: ast.AST) -> str:
    """`dataset.file` -> "file", `default_storage` -> "default_storage", `x()` -> ""."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def disk_paths(source: str, file_fields: set[str]) -> list[tuple[int, str]]:
    """(line, what) for each MEDIA_ROOT and each `.path` of a stored file or a storage in
    `source`; `.path` of anything else (request.path, os.path, sys.path, a local file's
    info.path in the engine) is fine."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if _terminal_name(node) == "MEDIA_ROOT":
            found.append((getattr(node, "lineno", 0), "MEDIA_ROOT"))
        elif isinstance(node, ast.alias) and node.name == "MEDIA_ROOT":
            found.append((getattr(node, "lineno", 0), "import MEDIA_ROOT"))
        elif isinstance(node, ast.Constant) and node.value == "MEDIA_ROOT":
            found.append((node.lineno, 'getattr(…, "MEDIA_ROOT")'))
        elif isinstance(node, ast.Attribute) and node.attr == "path":
            owner = _terminal_name(node.value)
            if owner in file_fields or owner.endswith("_file") or "storage" in owner.lower():
                found.append((node.lineno, f"{owner}.path"))
    return found


def _modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_FOLDERS & set(path.relative_to(ROOT).parts)
        and path.relative_to(ROOT).as_posix() not in ALLOWED
    )


def test_no_module_reaches_stored_files_on_disk():
    fields = _file_field_names()
    assert {"file", "signed_file", "slides"} <= fields
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _modules()
        for line, what in disk_paths(path.read_text(), fields)
    ]
    assert not offenders, "use the storage API (gpl_cohort/storage.py):\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "source",
    [
        "open(dataset.file.path)",
        "Path(letter.signed_file.path)",
        "session.slides.path",
        "default_storage.path(name)",
        "self.storage.path(name)",
        "field_file.path",
        "root = settings.MEDIA_ROOT",
        "from django.conf.settings import MEDIA_ROOT",
        "getattr(settings, 'MEDIA_ROOT')",
    ],
)
def test_the_check_catches_a_stored_files_path(source):
    assert disk_paths(source, {"file", "signed_file", "slides"})


@pytest.mark.parametrize(
    "source",
    [
        "request.path",
        "os.path.join(a, b)",
        "sys.path.insert(0, x)",
        "info.path.open()",
        "url.path.lstrip('/')",
        "item.path.relative_to(root)",
        "'MEDIA_ROOT is where files live'",
    ],
)
def test_the_check_leaves_other_paths_alone(source):
    assert not disk_paths(source, {"file", "signed_file", "slides"})
