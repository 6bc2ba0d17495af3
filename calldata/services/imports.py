"""Writes for call data: upload, inspection, mapping, the import and its queue, deletion and
combination of imports. Views, the API, the Celery task and the demo call these functions."""

from __future__ import annotations

import logging
import shutil
import uuid
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.utils import timezone

from calldata import selectors
from calldata.engine import codes as codes_engine
from calldata.engine.mapping import clock_warning, mapping_problems, propose_mapping
from calldata.engine.pipeline import ImportCancelled, run_import
from calldata.engine.reading import ReadError, open_source, preview, zip_code_tables
from calldata.models import (
    CallTypeMapping,
    CodeTable,
    ColumnMapping,
    Dataset,
    Scenario,
)
from gpl_cohort import storage
from gpl_cohort.accounts.models import validate_time_zone
from gpl_cohort.uploads import MB, safe_filename, sniff_kind, storage_name
from jurisdictions.models import Jurisdiction

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User


from calldata.services.analysis import scenarios_compute, scenarios_compute_later
from calldata.services.code_tables import code_table_create
from calldata.services.queue import _delete_stored, _queue

logger = logging.getLogger(__name__)


MAPPING_KEYS = ("fields", "flags", "address_parts", "clock_columns")


CLOCK_WARNING = "accept_clock_warning"  # the form field that confirms the warning


PHASE_PROGRESS: dict[str, int | tuple[int, int]] = {
    "reading": (2, 80),
    "checking": 85,
    "writing": 92,
    "summarising": 97,
}


def _work_dir(dataset: Dataset) -> Path:
    return Path(settings.CALLDATA_WORK_DIR) / f"{dataset.pk}-{uuid.uuid4().hex}"


def dataset_upload(*, user: User, jurisdiction: Jurisdiction, upload: UploadedFile) -> Dataset:
    """Keep the file (whatever it holds), look at it, and propose a column mapping.

    A file we cannot read is still kept, and the dataset says why it failed.
    """
    # The same bound as the request-size guard in front of /calldata/ (REQUEST_SIZE_CALLDATA_LIMIT),
    # so an upload the middleware lets through is never refused here for its size, and vice versa.
    max_bytes = settings.REQUEST_SIZE_LIMITS["/calldata/"]
    size = upload.size or 0  # an upload Django received always knows its size
    if size > max_bytes:
        raise ValidationError(
            f"The file is {size / MB:.0f} MB; the limit is {max_bytes / MB:.0f} MB."
            " Compress it as .zip and upload that."
        )
    kind = sniff_kind(upload) or "bin"
    upload.seek(0)
    name = default_storage.save(storage_name("calldata/uploads", kind), upload)
    dataset = Dataset.objects.create(
        jurisdiction=jurisdiction,
        uploaded_by=user,
        file=name,
        original_name=safe_filename(upload.name or "calls.csv"),
        size=size,
        time_zone=jurisdiction.time_zone,
        time_zone_origin=f"the time zone of {jurisdiction} (its jurisdiction profile)",
    )
    dataset_inspect(dataset=dataset)
    return dataset


def dataset_inspect(*, dataset: Dataset) -> None:
    """Headers, first rows and a proposed mapping (the jurisdiction's saved one if it fits)."""
    work = _work_dir(dataset)
    try:
        # The engine reads local files: the upload itself, or a copy from an object store.
        with storage.local_copies([dataset.file.name], work_dir=work) as [source]:
            _inspect(dataset, source, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _inspect(dataset: Dataset, source: Path, work: Path) -> None:
    try:
        # A .zip is judged by its directory listing and the first lines of its CSV; the
        # import task unpacks it (streamed, within the caps of engine/reading.py).
        info = open_source(source, work_dir=work, extract=False)
        rows = preview(info)
    except Exception as error:  # a bad file is a failed dataset with a reason, never a 500
        if not isinstance(error, ReadError):
            logger.exception("calldata inspection of dataset %s failed", dataset.pk)
        dataset.status = Dataset.Status.FAILED
        dataset.error = (
            str(error)
            if isinstance(error, ReadError)
            else f"The file could not be read ({type(error).__name__}: {error})."
        )
        dataset.save(update_fields=["status", "error"])
        return
    dataset.headers = info.headers
    dataset.preview = rows
    dataset.source = info.describe()
    if rows:
        sample_bytes = sum(len(",".join(r)) + 1 for r in rows) / len(rows)
        dataset.estimated_rows = int((info.unpacked_size or dataset.size) / max(sample_bytes, 1))
    saved = ColumnMapping.objects.filter(jurisdiction_id=dataset.jurisdiction_id).first()
    if saved and not mapping_problems(saved.mapping, info.headers):
        dataset.mapping = saved.mapping
        dataset.mapping_reused = True
    else:
        dataset.mapping = propose_mapping(info.headers, rows)
    hint = dataset.mapping.pop("zone_hint", None)
    if hint and hint != dataset.time_zone:
        dataset.mapping.setdefault("notes", []).append(
            f"The received times end in a zone suffix that names {hint}, not "
            f"{dataset.time_zone}: check the time zone below."
        )
    if info.member:
        dataset.source["notes"] = [
            *dataset.source.get("notes", []),
            *_attach_zipped_code_tables(dataset, dataset.uploaded_by, source),
        ]
    if not rows:
        dataset.status = Dataset.Status.FAILED
        dataset.error = "The file has a header line but no rows of calls."
    elif not (dataset.mapping["fields"]):
        dataset.status = Dataset.Status.FAILED
        dataset.error = (
            "None of the file's columns look like CAD call data (no call type, time, incident "
            "number…). Found columns: "
            + ", ".join(info.headers[:20])
            + ". Check that this is the calls-for-service export, or map the columns by hand."
        )
    dataset.save()


def dataset_set_mapping(
    *,
    dataset: Dataset,
    mapping: dict,
    user: User,
    time_zone: str | None = None,
    accept_clock_warning: bool = False,
) -> Dataset:
    """Confirm a mapping (and the time zone of the file's local times), save the mapping
    for the jurisdiction, and queue the import. Received times that are all at midnight (or
    all on one minute) in the first rows are refused unless the warning is accepted."""
    problems = mapping_problems(mapping, dataset.headers)
    if time_zone is not None:
        try:
            validate_time_zone(time_zone)
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError(problems)
    warning = clock_warning(mapping, dataset.headers, dataset.preview)
    if warning and not accept_clock_warning:
        raise ValidationError(
            {CLOCK_WARNING: [warning + " Choose a column with the time of day, or confirm."]}
        )
    if dataset.is_active:
        raise ValidationError("This file is being imported; wait for it to finish or cancel it.")
    # What the jurisdiction reuses next time: the columns, not this file's notes.
    saved = {k: v for k, v in mapping.items() if k in MAPPING_KEYS}
    mapping = saved | {"notes": dataset.mapping.get("notes", [])} if dataset.mapping else saved
    if warning:
        mapping["clock_warning"] = warning
    with transaction.atomic():
        if time_zone is not None and time_zone != dataset.time_zone:
            dataset.time_zone = time_zone
            dataset.time_zone_origin = f"chosen by {user} when confirming the mapping"
        ColumnMapping.objects.update_or_create(
            jurisdiction_id=dataset.jurisdiction_id,
            defaults={"mapping": saved, "headers": dataset.headers, "updated_by": user},
        )
        dataset.mapping = mapping
        _queue(dataset)
    return dataset


def dataset_cancel(*, dataset: Dataset) -> None:
    Dataset.objects.filter(pk=dataset.pk).update(cancel_requested=True)
    Dataset.objects.filter(pk=dataset.pk, status=Dataset.Status.QUEUED).update(
        status=Dataset.Status.CANCELLED, phase="cancelled"
    )


def _progress(dataset_id: int, estimated: int, task: Any) -> Any:
    def report(rows: int, phase: str) -> None:
        span = PHASE_PROGRESS[phase]
        if isinstance(span, tuple):
            low, high = span
            share = rows / estimated if estimated else 0
            percent = int(low + (high - low) * min(share, 1.0))
        else:
            percent = span
        Dataset.objects.filter(pk=dataset_id).update(rows_read=rows, phase=phase, progress=percent)
        if task is not None and getattr(task, "request", None) and task.request.id:
            task.update_state(
                state="PROGRESS", meta={"rows_read": rows, "phase": phase, "progress": percent}
            )

    return report


def dataset_import(*, dataset_id: int, task: Any = None) -> str:
    """Run one import: Parquet + summary + report, or a recorded failure that changes nothing
    else. Returns the final status. Safe to run twice: only a queued dataset is claimed."""
    claimed = Dataset.objects.filter(pk=dataset_id, status=Dataset.Status.QUEUED).update(
        status=Dataset.Status.RUNNING, started_at=timezone.now(), phase="starting"
    )
    dataset = Dataset.objects.select_related("jurisdiction").get(pk=dataset_id)
    if not claimed:
        return dataset.status
    work = _work_dir(dataset)
    staging = work / "parquet"
    tz = dataset.time_zone or dataset.jurisdiction.time_zone
    tables = CodeTable.objects.filter(jurisdiction_id=dataset.jurisdiction_id)
    parts = list(dataset.parts.order_by("first_day", "created_at", "pk"))
    if dataset.is_combined and len(parts) < 2:
        return _fail(
            dataset_id,
            "This analysis combined several imports, and fewer than two of them are left "
            "(the others were deleted). Combine the remaining files again.",
        )
    stored = [p.file.name for p in parts] if parts else [dataset.file.name]
    try:
        # The engine reads local files: the uploads themselves, or copies from an object store.
        with storage.local_copies(stored, work_dir=work) as sources:
            result = run_import(
                sources if parts else sources[0],
                names=[p.original_name for p in parts],
                mapping=dataset.mapping,
                tz=tz,
                out_dir=staging,
                work_dir=work / "unzip",
                progress=_progress(dataset.pk, dataset.estimated_rows, task),
                cancelled=lambda: Dataset.objects.filter(
                    pk=dataset_id, cancel_requested=True
                ).exists(),
                frame_bytes=settings.CALLDATA_IMPORT_FRAME_BYTES,
                rules=selectors.reading_settings_for(dataset.jurisdiction_id).rules(),
                code_tables={table.kind: table.entries for table in tables},
            )
        # The Parquet replaces the previous import's only now that it is complete.
        storage.publish_folder(staging, dataset.parquet_dir)
    except ImportCancelled:
        shutil.rmtree(work, ignore_errors=True)
        Dataset.objects.filter(pk=dataset_id).update(
            status=Dataset.Status.CANCELLED, phase="cancelled", finished_at=timezone.now()
        )
        return Dataset.Status.CANCELLED
    except OperationalError:
        shutil.rmtree(work, ignore_errors=True)
        Dataset.objects.filter(pk=dataset_id).update(status=Dataset.Status.QUEUED)
        raise
    except (ReadError, ValueError, KeyError, UnicodeError, OSError) as error:
        shutil.rmtree(work, ignore_errors=True)
        message = (
            str(error)
            if isinstance(error, ReadError)
            else (f"The file could not be imported: {type(error).__name__}: {error}")
        )
        return _fail(dataset_id, message)
    except Exception as error:  # record any other failure instead of losing it in a log
        logger.exception("calldata import %s failed", dataset_id)
        shutil.rmtree(work, ignore_errors=True)
        return _fail(
            dataset_id,
            f"The import stopped on an unexpected error "
            f"({type(error).__name__}: {error}). The file is kept.",
        )
    shutil.rmtree(work, ignore_errors=True)
    summary = result.summary
    for table in tables:
        result.report["code_tables"].get(table.kind, {})["name"] = table.original_name
    with transaction.atomic():
        Dataset.objects.filter(pk=dataset_id).update(
            status=Dataset.Status.DONE,
            phase="done",
            progress=100,
            rows_read=result.rows,
            rows_kept=summary["calls"],
            report=result.report,
            warning_count=len(result.report.get("warnings", [])),
            summary=summary,
            time_zone=tz,
            first_day=summary.get("first_day"),
            last_day=summary.get("last_day"),
            finished_at=timezone.now(),
            error="",
        )
        latest = selectors.latest_dataset(dataset.jurisdiction_id)
        if latest is not None and latest.pk == dataset.pk:
            _call_type_mappings_update(dataset, result.call_types)
            _scenarios_follow_labels(dataset.jurisdiction_id, summary)
        # Scenarios follow the jurisdiction's newest data; their results are recomputed.
        Scenario.objects.filter(jurisdiction_id=dataset.jurisdiction_id).clear_results(
            dataset=latest
        )
    scenarios_compute(jurisdiction_id=dataset.jurisdiction_id)
    return Dataset.Status.DONE


def _fail(dataset_id: int, message: str) -> str:
    Dataset.objects.filter(pk=dataset_id).update(
        status=Dataset.Status.FAILED, phase="failed", error=message, finished_at=timezone.now()
    )
    return Dataset.Status.FAILED


def _call_type_mappings_update(dataset: Dataset, counts: dict[str, int]) -> None:
    """Suggest a category for each new raw call type; confirmed ones are left as they are."""
    classifier = selectors.classifier_for(dataset.jurisdiction_id)
    existing = {
        m.call_type: m
        for m in CallTypeMapping.objects.filter(jurisdiction_id=dataset.jurisdiction_id)
    }
    new, changed = [], []
    for call_type, count in counts.items():
        category, reason = classifier.explain(call_type)
        mapping = existing.get(call_type)
        if mapping is None:
            # A code confirmed before its code table was attached keeps its category.
            code = existing.get(codes_engine.split_label(call_type)[0])
            confirmed = code is not None and code.confirmed
            new.append(
                CallTypeMapping(
                    jurisdiction_id=dataset.jurisdiction_id,
                    call_type=call_type[:200],
                    category=code.category if code is not None and confirmed else category,
                    suggested_category=category,
                    reason=reason[:200],
                    confirmed=confirmed,
                    calls=count,
                )
            )
            continue
        mapping.calls = count
        mapping.suggested_category = category
        mapping.reason = reason[:200]
        if not mapping.confirmed:
            mapping.category = category
        changed.append(mapping)
    for call_type, mapping in existing.items():
        if call_type not in counts and mapping.calls:
            # Not in the latest data (or shown with its description now): kept, not listed.
            mapping.calls = 0
            changed.append(mapping)
    CallTypeMapping.objects.bulk_create(new, ignore_conflicts=True)
    CallTypeMapping.objects.bulk_update(
        changed, ["calls", "suggested_category", "reason", "category"]
    )


def _scenarios_follow_labels(jurisdiction_id: int, summary: dict) -> None:
    """A scenario that names call types or beats by code ("SELENF") names them by the label
    the latest import gives them ("SELENF — SELECTIVE TRAFFIC ENFORCEMENT"), and back when a
    code table is removed."""
    labels = {
        "call_types": [r["call_type"] for r in summary.get("by_call_type", [])],
        "beats": [b for b, _ in summary.get("by_beat", [])],
    }
    by_code = {
        key: {codes_engine.split_label(label)[0]: label for label in values}
        for key, values in labels.items()
    }
    for scenario in Scenario.objects.filter(jurisdiction_id=jurisdiction_id):
        criteria = dict(scenario.criteria)
        for key in labels:
            values = criteria.get(key) or []
            criteria[key] = [
                by_code[key].get(codes_engine.split_label(v)[0], v) if v not in labels[key] else v
                for v in values
            ]
        if criteria != scenario.criteria:
            Scenario.objects.filter(pk=scenario.pk).update(criteria=criteria)


def _attach_zipped_code_tables(dataset: Dataset, user: User | None, source: Path) -> list[str]:
    """Code tables that came in the upload's .zip (a local copy at `source`) beside the
    export, attached to the jurisdiction; returns a note for each (or why it was not used)."""
    notes: list[str] = []
    try:
        with zipfile.ZipFile(source) as archive:
            found = zip_code_tables(archive)
    except (zipfile.BadZipFile, ReadError, OSError):
        return notes
    samples = {
        kind: [row[dataset.headers.index(header)] for row in dataset.preview]
        for kind, header in (
            (kind, dataset.mapping.get("fields", {}).get(kind)) for kind in codes_engine.KINDS
        )
        if header in dataset.headers
    }
    for info, raw in found:
        name = Path(info.filename).name
        table = codes_engine.read_code_table(raw, name)
        kind = table.kind or codes_engine.kind_by_overlap(table.entries, samples) or "call_type"
        try:
            code_table_create(
                user=user,
                jurisdiction=dataset.jurisdiction,
                content=raw,
                name=name,
                kind=kind,
                source=dataset.original_name,
            )
        except ValidationError as error:
            notes.append(f"“{name}” was not used as a code table: {' '.join(error.messages)}")
        else:
            label = CodeTable.Kind(kind).label.lower()
            notes.append(
                f"“{name}” in the .zip was attached as the {label} code table "
                f"({len(table.entries):,} codes)."
            )
    return notes


def dataset_delete(*, dataset: Dataset) -> None:
    """Delete a dataset (imported, failed, cancelled or waiting for its mapping) with its
    upload, its Parquet and its scenario table; the audit log keeps the fact. The files go
    once the deletion is committed. Scenarios move to the jurisdiction's latest remaining data
    and the taxonomy's call counts follow it."""
    if Dataset.objects.filter(pk=dataset.pk, status__in=ACTIVE).exists():
        raise ValidationError(
            "This file is being imported: cancel the import first, then delete the dataset."
        )
    upload, parquet = dataset.file.name, dataset.parquet_dir
    jurisdiction_id = dataset.jurisdiction_id
    with transaction.atomic():
        dataset.delete()
        latest = selectors.latest_dataset(jurisdiction_id)
        Scenario.objects.filter(jurisdiction_id=jurisdiction_id).clear_results(dataset=latest)
        scenarios_compute_later(jurisdiction_id=jurisdiction_id)
        if latest is not None:
            counts = {r["call_type"]: r["count"] for r in latest.summary.get("by_call_type", [])}
            _call_type_mappings_update(latest, counts)
        else:
            CallTypeMapping.objects.filter(jurisdiction_id=jurisdiction_id).update(calls=0)
        transaction.on_commit(lambda: _delete_stored(upload))
        transaction.on_commit(lambda: storage.delete_folder(parquet))


ACTIVE = (Dataset.Status.QUEUED, Dataset.Status.RUNNING)


def dataset_combine(*, user: User, jurisdiction: Jurisdiction, datasets: list[Dataset]) -> Dataset:
    """One analysis of several imports of a jurisdiction (yearly files, say): their files are
    read again as one, with the newest one's mapping, and an incident in several files is
    merged by its id. The new dataset becomes the jurisdiction's analysis."""
    chosen = {d.pk: d for d in datasets}.values()
    if len(chosen) < 2:
        raise ValidationError("Choose at least two imported files to analyse together.")
    for dataset in chosen:
        if dataset.jurisdiction_id != jurisdiction.pk:
            raise ValidationError(f"“{dataset.original_name}” belongs to another jurisdiction.")
        if dataset.is_combined or dataset.status != Dataset.Status.DONE:
            raise ValidationError(
                f"“{dataset.original_name}” is not an imported file; only imported files "
                "(not other combinations) can be combined."
            )
    ordered = sorted(chosen, key=lambda d: (d.first_day or d.created_at.date(), d.pk))
    newest = max(chosen, key=lambda d: (d.created_at, d.pk))
    for dataset in ordered:
        if dataset.headers != newest.headers:
            missing = [h for h in newest.headers if h not in dataset.headers]
            raise ValidationError(
                f"“{dataset.original_name}” has other columns than “{newest.original_name}”"
                + (f" (it lacks {', '.join(missing[:8])})" if missing else "")
                + ". Files are analysed together only when they have the same columns."
            )
    names = ", ".join(d.original_name for d in ordered)
    with transaction.atomic():
        combined = Dataset.objects.create(
            jurisdiction=jurisdiction,
            uploaded_by=user,
            file="",
            original_name=f"{len(ordered)} files: {names}"[:200],
            size=sum(d.size for d in ordered),
            headers=newest.headers,
            preview=newest.preview,
            source={"kind": "combined", "notes": [f"Combines {names}."]},
            estimated_rows=sum(d.rows_read for d in ordered),
            time_zone=newest.time_zone,
            time_zone_origin=f"the time zone of “{newest.original_name}”, the newest file",
        )
        combined.parts.set(ordered)
        combined.mapping = newest.mapping
        _queue(combined)
    return combined
