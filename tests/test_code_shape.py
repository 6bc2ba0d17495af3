"""The shape the code keeps (docs/STYLE.md): thin views, modules split before they pass 600
lines, one URL per action, and call-data views that reach the engine only through selectors,
services, forms and charts. Read as text and syntax trees; nothing is imported or run."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("applications", "jurisdictions", "coaching", "community", "calldata", "gpl_cohort")
MAX_VIEW_LINES = 40
MAX_MODULE_LINES = 600
SKIPPED_FOLDERS = {".git", ".venv", "node_modules", "__pycache__", "var"}

# Modules allowed over the limit for a while (none now): an entry fails once its file is short.
TOO_LONG_FOR_NOW: set[str] = set()


def _files(folder: Path, *suffixes: str) -> Iterator[Path]:
    for path, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if f not in SKIPPED_FOLDERS)
        for name in sorted(names):
            if name.endswith(suffixes):
                yield Path(path) / name


def _modules() -> Iterator[tuple[str, Path]]:
    """Every Python module of the apps except migrations, as (path from the root, path)."""
    for app in APPS:
        for path in _files(ROOT / app, ".py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative and not path.name.startswith("test_"):
                yield relative, path


def _is_views(relative: str) -> bool:
    """views.py, views_<area>.py, or any module of a views/ package (the API's too)."""
    parts = relative.split("/")
    return "views" in parts[:-1] or parts[-1] == "views.py" or parts[-1].startswith("views_")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_view_function_is_over_40_lines():
    too_long = []
    for relative, path in _modules():
        if not _is_views(relative):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_VIEW_LINES:
                    too_long.append(f"{relative}:{node.lineno} {node.name} ({length} lines)")
    assert too_long == [], "Thin views (docs/STYLE.md): split these: " + ", ".join(too_long)


def test_no_module_is_over_600_lines():
    too_long = sorted(
        f"{relative} ({_lines(path)} lines)"
        for relative, path in _modules()
        if relative not in TOO_LONG_FOR_NOW and _lines(path) > MAX_MODULE_LINES
    )
    assert too_long == [], "Split into a package before 600 lines: " + ", ".join(too_long)


def test_the_modules_allowed_to_be_long_for_now_still_need_it():
    lengths = {
        relative: _lines(ROOT / relative)
        for relative in TOO_LONG_FOR_NOW
        if (ROOT / relative).exists()
    }
    done = sorted(relative for relative, lines in lengths.items() if lines <= MAX_MODULE_LINES)
    assert done == [], f"Split already: remove from TOO_LONG_FOR_NOW: {', '.join(done)}"


def test_no_view_switches_on_a_posted_action():
    """One URL and one short view per action (healthchecks' pause/resume), never a view that
    reads which action was posted. The patterns are built from parts so that this file does
    not match itself."""
    post_get = re.escape("POST" + ".get(")
    pattern = re.compile(post_get + r"""["'](?:action|op)["']""" + "|" + "remem" + "ber")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _files(ROOT, ".py", ".html")
        for number, line in enumerate(_text(path).splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == [], "A view per action instead: " + ", ".join(found)


def test_calldata_views_do_not_import_the_engine():
    """Pages go through selectors, services, forms and charts; the engine (pure pandas) stays
    behind them, so it can change without touching a view."""
    reaching = []
    for relative, path in _modules():
        if not (relative.startswith("calldata/") and _is_views(relative)):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n == "calldata.engine" or n.startswith("calldata.engine.") for n in names):
                reaching.append(f"{relative}:{node.lineno}")
    assert reaching == [], "Import the engine in selectors or services: " + ", ".join(reaching)
