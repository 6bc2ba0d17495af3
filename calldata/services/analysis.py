"""Writes for call data on top of an import: the taxonomy, scenarios and their stored results,
reading settings, decision trees, outcome records and the cohort-sharing consent."""

from __future__ import annotations

import csv
import io
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from calldata import selectors
from calldata.engine import scenario as scenario_engine
from calldata.engine import tree as tree_engine
from calldata.engine.fields import CATEGORIES
from calldata.engine.presets import presets
from calldata.models import (
    CallTypeMapping,
    Dataset,
    DecisionTree,
    OutcomeRecord,
    ReadingSettings,
    Scenario,
)
from jurisdictions.models import Jurisdiction

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User


logger = logging.getLogger(__name__)


def taxonomy_confirm(*, jurisdiction_id: int, categories: dict[str, str], user: User) -> int:
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
    Scenario.objects.filter(jurisdiction_id=jurisdiction_id).clear_results()
    scenarios_compute_later(jurisdiction_id=jurisdiction_id)
    return len(mappings)


def scenario_results(*, scenario: Scenario) -> dict:
    """Compute (or reuse) the scenario's results on its dataset.

    The results are stored only if nothing cleared them while they were computed (the
    scenario's results version is still the one read): a computation on the old criteria,
    data or taxonomy never overwrites the newer state, whose own computation is queued."""
    if scenario.results:
        return scenario.results
    version = scenario.results_version
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
    stored = Scenario.objects.filter(pk=scenario.pk, results_version=version).update(
        results=results
    )
    if stored:
        scenario.results = results
    else:
        logger.info("scenario %s changed while computed; its newer results come next", scenario.pk)
    return results


def scenarios_compute(*, jurisdiction_id: int) -> int:
    """Compute and store the results of the jurisdiction's scenarios that have none (after an
    import, or a change that cleared them). Returns how many were computed; safe to repeat."""
    computed = 0
    for scenario in Scenario.objects.filter(jurisdiction_id=jurisdiction_id, results={}):
        computed += bool(scenario_results(scenario=scenario))
    return computed


def scenarios_compute_later(*, jurisdiction_id: int) -> None:
    """Queue scenarios_compute once the surrounding transaction commits: pages only read the
    stored results, and show them as being computed until then."""
    transaction.on_commit(lambda: _enqueue_scenarios(jurisdiction_id))


def _enqueue_scenarios(jurisdiction_id: int) -> None:
    from calldata.tasks import compute_in_background, compute_scenarios

    if settings.CALLDATA_IMPORT_IN_BACKGROUND and compute_scenarios.app.conf.task_always_eager:
        compute_in_background(jurisdiction_id)  # no worker: the import thread stands in
    else:
        compute_scenarios.delay(jurisdiction_id)


def scenario_save(
    *,
    jurisdiction: Jurisdiction,
    user: User,
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
    if scenario.pk is not None:  # a computation of its former criteria must not store them
        scenario.results_version = F("results_version") + 1
    scenario.save()
    scenario.refresh_from_db(fields=["results_version"])
    scenario_results(scenario=scenario)
    return scenario


def scenario_from_preset(*, jurisdiction: Jurisdiction, user: User, key: str) -> Scenario:
    preset = presets().get(key)
    if preset is None:
        raise ValidationError(f"Unknown preset {key}")
    criteria = selectors.preset_criteria(jurisdiction.pk, preset)
    return scenario_save(
        jurisdiction=jurisdiction, user=user, name=preset["name"], criteria=criteria, preset=key
    )


def reading_settings_save(
    *, jurisdiction: Jurisdiction, user: User, values: dict[str, Any]
) -> ReadingSettings:
    """Save how the jurisdiction's exports are read. Codes apply from the next import; the
    priority scale at once (scenario results are recomputed in the background)."""
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
                scenario.results_version = F("results_version") + 1
                scenario.save(
                    update_fields=["criteria", "results", "results_version", "updated_at"]
                )
        scenarios_compute_later(jurisdiction_id=jurisdiction.pk)
    return reading


def tree_save(
    *, jurisdiction: Jurisdiction, user: User, name: str, nodes: dict, note: str = ""
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


def outcome_create(*, jurisdiction: Jurisdiction, user: User, **fields: Any) -> OutcomeRecord:
    record = OutcomeRecord(jurisdiction=jurisdiction, created_by=user, **fields)
    record.full_clean()
    record.save()
    return record


# The columns of an outcomes CSV (the form's help text names them too).
OUTCOME_CSV_COLUMNS = [
    "date",
    "call_type",
    "response_min",
    "on_scene_min",
    "outcome",
    "race_ethnicity",
    "neighbourhood",
]


def outcomes_import_csv(*, jurisdiction: Jurisdiction, user: User, content: bytes) -> int:
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
            f"The CSV needs the columns {', '.join(OUTCOME_CSV_COLUMNS)}; missing: "
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
                # A missing date is refused by full_clean below, with the line number.
                occurred_on=row.get("date"),  # type: ignore[misc]
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


@transaction.atomic
def cohort_sharing_set(*, jurisdiction: Jurisdiction, shares: bool, user: User) -> Jurisdiction:
    """Whether other cohort members see the jurisdiction's name in the cohort comparison."""
    jurisdiction.shares_in_cohort_comparison = shares
    jurisdiction.save(update_fields=["shares_in_cohort_comparison"])
    logger.info(
        "cohort sharing of jurisdiction %s set to %s by user %s", jurisdiction.pk, shares, user.pk
    )
    return jurisdiction
