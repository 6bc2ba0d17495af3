"""Writes for call data: uploads, mappings, the import, the taxonomy, scenarios, trees and
outcomes. Views, the API, the Celery task and the demo all call these functions."""

from __future__ import annotations

import csv
import io
import logging
import shutil
import uuid
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.utils import timezone

from calldata import selectors
from calldata.engine import codes as codes_engine
from calldata.engine import scenario as scenario_engine
from calldata.engine import tree as tree_engine
from calldata.engine.fields import CATEGORIES
from calldata.engine.mapping import clock_warning, mapping_problems, propose_mapping
from calldata.engine.pipeline import ImportCancelled, run_import
from calldata.engine.presets import presets
from calldata.engine.reading import ReadError, open_source, preview, zip_code_tables
from calldata.models import (
    CallTypeMapping,
    CodeTable,
    ColumnMapping,
    Dataset,
    DecisionTree,
    OutcomeRecord,
    ReadingSettings,
    Scenario,
)
from gpl_cohort import storage
from gpl_cohort.accounts.models import validate_time_zone
from gpl_cohort.uploads import MB, safe_filename, sniff_kind, storage_name
from jurisdictions.models import Jurisdiction

logger = logging.getLogger(__name__)

MAPPING_KEYS = ("fields", "flags", "address_parts", "clock_columns")
CLOCK_WARNING = "accept_clock_warning"  # the form field that confirms the warning
PHASE_PROGRESS = {"reading": (2, 80), "checking": 85, "writing": 92, "summarising": 97}


def _work_dir(dataset: Dataset) -> Path:
    return Path(settings.CALLDATA_WORK_DIR) / f"{dataset.pk}-{uuid.uuid4().hex}"


def dataset_upload(*, user: Any, jurisdiction: Jurisdiction, upload: UploadedFile) -> Dataset:
    """Keep the file (whatever it holds), look at it, and propose a column mapping.

    A file we cannot read is still kept, and the dataset says why it failed.
    """
    # The same bound as the request-size guard in front of /calldata/ (REQUEST_SIZE_CALLDATA_LIMIT),
    # so an upload the middleware lets through is never refused here for its size, and vice versa.
    max_bytes = settings.REQUEST_SIZE_LIMITS["/calldata/"]
    if upload.size > max_bytes:
        raise ValidationError(
            f"The file is {upload.size / MB:.0f} MB; the limit is {max_bytes / MB:.0f} MB."
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
        size=upload.size,
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
    user: Any,
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


def _queue(dataset: Dataset) -> None:
    """Put a dataset in the import queue (after the surrounding transaction commits)."""
    dataset.status = Dataset.Status.QUEUED
    dataset.error = ""
    dataset.progress = 0
    dataset.rows_read = 0
    dataset.phase = "queued"
    dataset.cancel_requested = False
    dataset.save()
    transaction.on_commit(lambda: _enqueue(dataset.pk))


def _enqueue(dataset_id: int) -> None:
    from calldata.tasks import import_dataset, import_in_background

    if settings.CALLDATA_IMPORT_IN_BACKGROUND and import_dataset.app.conf.task_always_eager:
        # No worker: a thread of this process stands in for one (see tasks.py).
        import_in_background(dataset_id)
    else:
        import_dataset.delay(dataset_id)


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
        Scenario.objects.filter(jurisdiction_id=dataset.jurisdiction_id).update(
            results={}, dataset=latest
        )
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
                    category=code.category if confirmed else category,
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


def taxonomy_confirm(*, jurisdiction_id: int, categories: dict[str, str], user: Any) -> int:
    """Set and confirm the category of each given raw call type; returns how many changed."""
    unknown = sorted({c for c in categories.values() if c not in CATEGORIES})
    if unknown:
        raise ValidationError(f"Unknown categories: {', '.join(unknown)}")
    mappings = list(
        CallTypeMapping.objects.filter(
            jurisdiction_id=jurisdiction_id, call_type__in=list(categories)
        )
    )
    for mapping in mappings:
        mapping.category = categories[mapping.call_type]
        mapping.confirmed = True
        mapping.updated_by = user
    CallTypeMapping.objects.bulk_update(mappings, ["category", "confirmed", "updated_by"])
    Scenario.objects.filter(jurisdiction_id=jurisdiction_id).update(results={})
    return len(mappings)


def scenario_results(*, scenario: Scenario) -> dict:
    """Compute (or reuse) the scenario's results on its dataset."""
    if scenario.results:
        return scenario.results
    dataset = scenario.dataset or selectors.latest_dataset(scenario.jurisdiction_id)
    if dataset is None or dataset.status != Dataset.Status.DONE:
        # Nothing to compute on until an import has finished (or after a failed one).
        return {}
    results = scenario_engine.evaluate(selectors.calls_for(dataset), scenario.criteria)
    results["dataset"] = {
        "id": dataset.pk,
        "name": dataset.original_name,
        "files": dataset.covers,
    }
    Scenario.objects.filter(pk=scenario.pk).update(results=results)
    scenario.results = results
    return results


def scenario_save(
    *,
    jurisdiction: Jurisdiction,
    user: Any,
    name: str,
    criteria: dict,
    preset: str = "",
    dataset: Dataset | None = None,
    scenario: Scenario | None = None,
) -> Scenario:
    reading = selectors.reading_settings_for(jurisdiction.pk)
    criteria = scenario_engine.with_defaults(criteria)
    criteria["priority_higher_is_urgent"] = (
        reading.priority_order == ReadingSettings.PriorityOrder.HIGHER
    )
    if preset and preset not in presets():
        raise ValidationError(f"Unknown preset {preset}")
    if dataset is not None and dataset.jurisdiction_id != jurisdiction.pk:
        raise ValidationError("That dataset belongs to another jurisdiction.")
    if scenario is None:
        scenario = Scenario(jurisdiction=jurisdiction, created_by=user)
    scenario.name = name.strip() or "Scenario"
    scenario.criteria = criteria
    scenario.preset = preset
    scenario.dataset = dataset or selectors.latest_dataset(jurisdiction.pk)
    scenario.results = {}
    scenario.save()
    scenario_results(scenario=scenario)
    return scenario


def scenario_from_preset(*, jurisdiction: Jurisdiction, user: Any, key: str) -> Scenario:
    preset = presets().get(key)
    if preset is None:
        raise ValidationError(f"Unknown preset {key}")
    criteria = selectors.preset_criteria(jurisdiction.pk, preset)
    return scenario_save(
        jurisdiction=jurisdiction, user=user, name=preset["name"], criteria=criteria, preset=key
    )


def reading_settings_save(
    *, jurisdiction: Jurisdiction, user: Any, values: dict[str, Any]
) -> ReadingSettings:
    """Save how the jurisdiction's exports are read. Codes apply from the next import; the
    priority scale at once (scenario results are recomputed on their next view)."""
    allowed = {
        "not_a_call_codes",
        "cancelled_codes",
        "unfounded_codes",
        "unknown_values",
        "priority_order",
        "priority_most_urgent",
    }
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValidationError(f"Unknown settings: {', '.join(unknown)}")
    with transaction.atomic():
        reading, _ = ReadingSettings.objects.select_for_update().get_or_create(
            jurisdiction=jurisdiction
        )
        for name, value in values.items():
            setattr(reading, name, value)
        reading.updated_by = user
        reading.full_clean(exclude=["jurisdiction", "updated_by"])
        reading.save()
        higher = reading.priority_order == ReadingSettings.PriorityOrder.HIGHER
        for scenario in Scenario.objects.filter(jurisdiction=jurisdiction):
            if scenario.criteria.get("priority_higher_is_urgent", False) != higher:
                scenario.criteria = {**scenario.criteria, "priority_higher_is_urgent": higher}
                scenario.results = {}
                scenario.save(update_fields=["criteria", "results", "updated_at"])
    return reading


def tree_save(
    *, jurisdiction: Jurisdiction, user: Any, name: str, nodes: dict, note: str = ""
) -> DecisionTree:
    """Save a new version of the named tree (versions are never overwritten)."""
    try:
        tree_engine.validate(nodes)
    except tree_engine.TreeError as error:
        raise ValidationError(str(error)) from error
    with transaction.atomic():
        latest = (
            DecisionTree.objects.select_for_update()
            .filter(jurisdiction=jurisdiction, name=name)
            .order_by("-version")
            .first()
        )
        return DecisionTree.objects.create(
            jurisdiction=jurisdiction,
            name=name,
            nodes=nodes,
            note=note,
            created_by=user,
            version=(latest.version + 1) if latest else 1,
        )


def outcome_create(*, jurisdiction: Jurisdiction, user: Any, **fields: Any) -> OutcomeRecord:
    record = OutcomeRecord(jurisdiction=jurisdiction, created_by=user, **fields)
    record.full_clean()
    record.save()
    return record


OUTCOME_COLUMNS = [
    "date",
    "call_type",
    "response_min",
    "on_scene_min",
    "outcome",
    "race_ethnicity",
    "neighbourhood",
]


def outcomes_import_csv(*, jurisdiction: Jurisdiction, user: Any, content: bytes) -> int:
    """Import outcome rows from CSV; all rows or none, with the first bad line named."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")
    reader = csv.DictReader(io.StringIO(text))
    headers = {h.strip().lower() for h in reader.fieldnames or []}
    missing = {"date", "call_type", "outcome"} - headers
    if missing:
        raise ValidationError(
            f"The CSV needs the columns {', '.join(OUTCOME_COLUMNS)}; missing: "
            f"{', '.join(sorted(missing))}."
        )
    labels = {label.lower(): value for value, label in OutcomeRecord.Outcome.choices}
    records = []
    for line, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        outcome = row.get("outcome", "").lower()
        outcome = labels.get(outcome, outcome)
        try:
            record = OutcomeRecord(
                jurisdiction=jurisdiction,
                created_by=user,
                occurred_on=row.get("date"),
                call_type=row.get("call_type", ""),
                outcome=outcome,
                response_min=float(row["response_min"]) if row.get("response_min") else None,
                on_scene_min=float(row["on_scene_min"]) if row.get("on_scene_min") else None,
                race_ethnicity=row.get("race_ethnicity", ""),
                neighbourhood=row.get("neighbourhood", ""),
            )
            record.full_clean(exclude=["jurisdiction", "created_by"])
        except (ValueError, ValidationError) as error:
            detail = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            raise ValidationError(f"Line {line}: {detail}") from error
        records.append(record)
    OutcomeRecord.objects.bulk_create(records)
    return len(records)


def code_table_create(
    *,
    user: Any,
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


def _delete_stored(name: str) -> None:
    if name:
        default_storage.delete(name)


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


def _attach_zipped_code_tables(dataset: Dataset, user: Any, source: Path) -> list[str]:
    """Code tables that came in the upload's .zip (a local copy at `source`) beside the
    export, attached to the jurisdiction; returns a note for each (or why it was not used)."""
    notes = []
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
        Scenario.objects.filter(jurisdiction_id=jurisdiction_id).update(results={}, dataset=latest)
        if latest is not None:
            counts = {r["call_type"]: r["count"] for r in latest.summary.get("by_call_type", [])}
            _call_type_mappings_update(latest, counts)
        else:
            CallTypeMapping.objects.filter(jurisdiction_id=jurisdiction_id).update(calls=0)
        transaction.on_commit(lambda: _delete_stored(upload))
        transaction.on_commit(lambda: storage.delete_folder(parquet))


ACTIVE = (Dataset.Status.QUEUED, Dataset.Status.RUNNING)


def dataset_combine(*, user: Any, jurisdiction: Jurisdiction, datasets: list[Dataset]) -> Dataset:
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


@transaction.atomic
def cohort_sharing_set(*, jurisdiction: Jurisdiction, shares: bool, user: Any) -> Jurisdiction:
    """Whether other cohort members see the jurisdiction's name in the cohort comparison."""
    jurisdiction.shares_in_cohort_comparison = shares
    jurisdiction.save(update_fields=["shares_in_cohort_comparison"])
    logger.info(
        "cohort sharing of jurisdiction %s set to %s by user %s", jurisdiction.pk, shares, user.pk
    )
    return jurisdiction
