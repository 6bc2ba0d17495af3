"""911 call data: uploaded CAD exports, their mappings, the taxonomy, scenarios, decision trees,
and the alternative team's outcomes. The calls themselves live in Parquet files (see
services.dataset_import); the database keeps the summary the pages read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F

from calldata.engine import code_lists
from calldata.engine.codes import split_label
from calldata.engine.fields import CATEGORIES
from calldata.engine.tree import OUTCOMES

CATEGORY_CHOICES = list(CATEGORIES.items())


class Dataset(models.Model):
    class Status(models.TextChoices):
        MAPPING = "mapping", "Waiting for the column mapping"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="call_datasets"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(max_length=255)
    original_name = models.CharField(max_length=200)
    size = models.BigIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.MAPPING)
    phase = models.CharField(max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    rows_read = models.BigIntegerField(default=0)
    estimated_rows = models.BigIntegerField(default=0)
    rows_kept = models.BigIntegerField(default=0)
    error = models.TextField(blank=True)
    headers = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    source = models.JSONField(default=dict, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    mapping_reused = models.BooleanField(default=False)
    report = models.JSONField(default=dict, blank=True)
    warning_count = models.PositiveIntegerField(
        default=0, help_text="Warnings of the import (a cut-off file, times all at midnight…)."
    )
    summary = models.JSONField(default=dict, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    time_zone_origin = models.CharField(
        max_length=200, blank=True, help_text="Where the proposed time zone came from, in words."
    )
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    # An analysis of several imports: their files read as one (no file of its own).
    parts = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="combined_in"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.jurisdiction})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def status_text(self) -> str:
        """The status in words; an import with warnings never reads as a plain success."""
        if self.status == self.Status.DONE and self.warning_count:
            return "Imported with warnings"
        return self.get_status_display()

    @property
    def parquet_dir(self) -> str:
        return f"calldata/{self.pk}"

    @property
    def is_combined(self) -> bool:
        return not self.file.name

    @property
    def covers(self) -> list[str]:
        """The files this dataset's calls come from (several for a combination or a .zip of
        several exports), as the import recorded them."""
        return (self.summary or {}).get("files") or [self.original_name]

    @property
    def covers_text(self) -> str:
        files = self.covers
        quoted = ", ".join(f"“{name}”" for name in files)
        return quoted if len(files) == 1 else f"{len(files)} files: {quoted}"


class CodeTable(models.Model):
    """A jurisdiction's code → description list for call types, dispositions or beats, read
    into its imports (engine/codes.py). One table per kind: a new one replaces the old."""

    class Kind(models.TextChoices):
        CALL_TYPE = "call_type", "Call type"
        DISPOSITION = "disposition", "Disposition"
        BEAT = "beat", "Beat / area"

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="call_code_tables"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    file = models.FileField(max_length=255)
    original_name = models.CharField(max_length=200)
    code_column = models.CharField(max_length=200)
    description_column = models.CharField(max_length=200)
    entries = models.JSONField(default=dict)
    codes = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="The upload it came in, when it sat in a .zip"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "kind"], name="calldata_one_code_table_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} codes of {self.jurisdiction} ({self.original_name})"


class ColumnMapping(models.Model):
    """The last confirmed column mapping of a jurisdiction, proposed again on its next upload."""

    jurisdiction = models.OneToOneField(
        "jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="call_column_mapping"
    )
    mapping = models.JSONField(default=dict)
    headers = models.JSONField(default=list)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Column mapping of {self.jurisdiction}"


def _codes_field(values: tuple[str, ...], help_text: str) -> models.TextField:
    """A comma-separated list of codes, the proposed ones by default."""
    return models.TextField(default=", ".join(values), blank=True, help_text=help_text)


class ReadingSettings(models.Model):
    """How a jurisdiction's exports are read: its disposition codes, the values that mean an
    unknown beat, and which end of its priority scale is the most urgent (asked once)."""

    class PriorityOrder(models.TextChoices):
        NOT_ASKED = "", "Not answered yet"
        LOWER = "lower", "Lower numbers are more urgent (1 before 2)"
        HIGHER = "higher", "Higher numbers are more urgent (5 before 4)"

    jurisdiction = models.OneToOneField(
        "jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="call_reading"
    )
    not_a_call_codes = _codes_field(
        code_lists.NOT_A_CALL_CODES,
        "Dispositions (or call types) of records that are not calls: dropped, counted.",
    )
    cancelled_codes = _codes_field(
        code_lists.CANCELLED_CODES,
        "Dispositions of calls cancelled before anyone arrived: kept, flagged.",
    )
    unfounded_codes = _codes_field(
        code_lists.UNFOUNDED_CODES, "Dispositions of calls where nothing was found: kept, flagged."
    )
    unknown_values = _codes_field(
        code_lists.UNKNOWN_VALUES, "Values of a beat, district or unit type that mean “not known”."
    )
    priority_order = models.CharField(
        max_length=8, choices=PriorityOrder.choices, blank=True, default=PriorityOrder.NOT_ASKED
    )
    priority_most_urgent = models.SmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(99)],
        help_text="The priority value of the most urgent calls (often 1, sometimes 0).",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reading settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(priority_most_urgent__gte=0, priority_most_urgent__lte=99)
                | models.Q(priority_most_urgent__isnull=True),
                name="calldata_reading_priority_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Reading settings of {self.jurisdiction}"

    @property
    def priority_asked(self) -> bool:
        return bool(self.priority_order) and self.priority_most_urgent is not None

    def rules(self) -> code_lists.ReadingRules:
        return code_lists.ReadingRules(
            not_a_call=code_lists.parse_codes(self.not_a_call_codes),
            cancelled=code_lists.parse_codes(self.cancelled_codes),
            unfounded=code_lists.parse_codes(self.unfounded_codes),
            unknown=code_lists.parse_codes(self.unknown_values),
        )


class CallTypeMapping(models.Model):
    """A raw call type of one jurisdiction and its category; confirmed ones are kept as they are."""

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="call_type_mappings"
    )
    call_type = models.CharField(max_length=200)
    category = models.CharField(max_length=30, choices=CATEGORY_CHOICES)
    suggested_category = models.CharField(max_length=30, choices=CATEGORY_CHOICES)
    reason = models.CharField(max_length=200, blank=True)
    confirmed = models.BooleanField(default=False)
    calls = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-calls", "call_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "call_type"],
                name="calldata_unique_call_type_per_jurisdiction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_type} → {self.get_category_display()}"

    @property
    def code(self) -> str:
        return split_label(self.call_type)[0]

    @property
    def description(self) -> str:
        """From the jurisdiction's code table ("" when the call type is not a described code)."""
        return split_label(self.call_type)[1]


class DictionaryEntry(models.Model):
    """A staff extension of the built-in call-type dictionary (program-wide if no jurisdiction)."""

    class Kind(models.TextChoices):
        KEYWORD = "keyword", "Keyword (regular expression searched in the call type)"
        CODE = "code", "Exact code"

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.CharField(max_length=30, choices=CATEGORY_CHOICES)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.KEYWORD)
    pattern = models.CharField(max_length=200)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction_id", "pk"]
        verbose_name_plural = "dictionary entries"

    def __str__(self) -> str:
        return f"{self.pattern} → {self.category}"


class ScenarioQuerySet(models.QuerySet["Scenario"]):
    def clear_results(self, **changes: Any) -> int:
        """Drop the stored results (to be computed again) and raise each one's results version,
        so that a computation begun before this change cannot store its out-of-date results."""
        return self.update(results={}, results_version=F("results_version") + 1, **changes)


class Scenario(models.Model):
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="call_scenarios"
    )
    dataset = models.ForeignKey(
        Dataset, on_delete=models.SET_NULL, null=True, blank=True, related_name="scenarios"
    )
    name = models.CharField(max_length=150)
    preset = models.CharField(max_length=40, blank=True)
    criteria = models.JSONField(default=dict)
    results = models.JSONField(default=dict, blank=True)
    # Raised whenever the results are cleared (criteria, data, taxonomy or reading settings
    # changed): results are stored only by a computation that began from the current version.
    results_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class DecisionTree(models.Model):
    """One version of a dispatcher's triage tree; saving a change makes the next version."""

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="call_decision_trees"
    )
    name = models.CharField(max_length=150)
    version = models.PositiveIntegerField(default=1)
    nodes = models.JSONField(default=dict)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name", "version"], name="calldata_unique_tree_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class OutcomeRecord(models.Model):
    """One call the alternative team answered after launch."""

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "Resolved on scene"
        TRANSPORTED = "transported", "Transported to services"
        REFERRED = "referred", "Referred"
        POLICE_REQUESTED = "police_requested", "Police requested"
        OTHER = "other", "Other"

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="call_outcomes"
    )
    occurred_on = models.DateField()
    call_type = models.CharField(max_length=200)
    response_min = models.FloatField(null=True, blank=True)
    on_scene_min = models.FloatField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    race_ethnicity = models.CharField(max_length=80, blank=True)
    neighbourhood = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response_min__gte=0) | models.Q(response_min__isnull=True),
                name="calldata_outcome_response_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.call_type}"


LEAF_CHOICES = list(OUTCOMES.items())
