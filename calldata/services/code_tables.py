"""Writes for call data's code tables: a jurisdiction's lookups from CAD codes to descriptions,
added or removed, and the re-import of its data that follows."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from calldata import selectors
from calldata.engine import codes as codes_engine
from calldata.models import (
    CodeTable,
    Dataset,
)
from gpl_cohort.uploads import safe_filename, storage_name
from jurisdictions.models import Jurisdiction

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User


from calldata.services.queue import _delete_stored, _queue

logger = logging.getLogger(__name__)


def code_table_create(
    *,
    user: User | None,
    jurisdiction: Jurisdiction,
    content: bytes,
    name: str,
    kind: str = "",
    source: str = "",
) -> CodeTable:
    """Read a code → description table and attach it to the jurisdiction, replacing its table
    of the same kind. Its imported datasets are imported again so every page shows the
    descriptions. `kind` "" means: from the file's name and headers, else from which of the
    jurisdiction's columns share most codes with it."""
    try:
        table = codes_engine.read_code_table(content, name)
    except codes_engine.CodeTableError as error:
        raise ValidationError(str(error)) from error
    if kind and kind not in CodeTable.Kind.values:
        raise ValidationError(f"Unknown kind of code table “{kind}”.")
    kind = (
        kind
        or table.kind
        or codes_engine.kind_by_overlap(table.entries, _sample_codes(jurisdiction.pk))
    )
    if not kind:
        raise ValidationError(
            "Which codes does this table describe? Choose call type, disposition or beat / "
            "area (neither the file's name nor its headers say, and no imported data shares "
            "its codes)."
        )
    with transaction.atomic():
        old = CodeTable.objects.filter(jurisdiction=jurisdiction, kind=kind).first()
        if old is not None and old.entries == table.entries:
            return old
        stored = default_storage.save(
            storage_name("calldata/code-tables", "xlsx" if content[:2] == b"PK" else "csv"),
            ContentFile(content),
        )
        if old is not None:
            _delete_code_table(old)
        created = CodeTable.objects.create(
            jurisdiction=jurisdiction,
            kind=kind,
            file=stored,
            original_name=safe_filename(name or "codes.csv"),
            code_column=table.code_column[:200],
            description_column=table.description_column[:200],
            entries=table.entries,
            codes=len(table.entries),
            notes=table.notes,
            source=source[:200],
            uploaded_by=user,
        )
        _reimport(jurisdiction.pk)
    return created


def code_table_delete(*, table: CodeTable) -> None:
    """Remove a code table (and its file); the jurisdiction's data is imported again without it."""
    with transaction.atomic():
        jurisdiction_id = table.jurisdiction_id
        _delete_code_table(table)
        _reimport(jurisdiction_id)


def _delete_code_table(table: CodeTable) -> None:
    name = table.file.name
    table.delete()
    transaction.on_commit(lambda: _delete_stored(name))


def _sample_codes(jurisdiction_id: int) -> dict[str, list[str]]:
    """The raw codes of the jurisdiction's latest data, by kind (to tell what a table is for)."""
    dataset = selectors.latest_dataset(jurisdiction_id)
    if dataset is None:
        return {}
    summary = dataset.summary or {}
    return {
        "call_type": [
            codes_engine.split_label(r["call_type"])[0] for r in summary.get("by_call_type", [])
        ],
        "beat": [codes_engine.split_label(b)[0] for b, _ in summary.get("by_beat", [])],
    }


def _reimport(jurisdiction_id: int) -> int:
    """Import again each of the jurisdiction's imported datasets (its code tables changed)."""
    datasets = list(
        Dataset.objects.filter(jurisdiction_id=jurisdiction_id, status=Dataset.Status.DONE)
    )
    for dataset in datasets:
        _queue(dataset)
    return len(datasets)
