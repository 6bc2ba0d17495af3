from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Workstream(models.TextChoices):
    CALL_ANALYSIS = "call_analysis", "911 call analysis"
    DECISION_TREE = "decision_tree", "Call decision tree"
    HIRING = "hiring", "Hiring materials"
    RFP = "rfp", "RFP for a provider"
    COMMUNITY_BRIEFING = "community_briefing", "Community briefing"
    EVALUATION = "evaluation", "Outcome metrics and evaluation"
    FUNDING = "funding", "Funding"
    OTHER = "other", "Other"


def week_start_of(day: dt.date) -> dt.date:
    """The Monday of the week that holds `day` (weeks start on Monday)."""
    return day - dt.timedelta(days=day.weekday())


class CoachingLogQuerySet(models.QuerySet["CoachingLog"]):
    def bulk_create(self, objs: Iterable[CoachingLog], *args: Any, **kwargs: Any) -> Any:
        # bulk_create skips save(): fill the stored week here too, so totals stay right.
        objs = list(objs)
        for obj in objs:
            obj.week_start = week_start_of(obj.date)
        # The django-stubs plugin copies this method onto the as_manager() class unbound.
        return super().bulk_create(objs, *args, **kwargs)  # type: ignore[arg-type]

    def counted(self) -> CoachingLogQuerySet:
        """Entries that count toward totals: a staff side paired with the contact's is left out."""
        return self.filter(pairs_with__isnull=True)


class CoachingLog(models.Model):
    """Time spent on coaching work, logged by a jurisdiction contact or by program staff.

    `date` is the local date in the jurisdiction where the work happened, so weeks and months
    are plain date arithmetic (no time-zone conversion in the database). `week_start` stores the
    Monday of that date for fast, database-side weekly totals.
    """

    class Kind(models.TextChoices):
        ONE_ON_ONE = "one_on_one", "1:1 coaching"
        GROUP_CALL = "group_call", "Cohort group call"
        INDEPENDENT = "independent", "Independent work on a deliverable"

    class Side(models.TextChoices):
        JURISDICTION = "jurisdiction", "Jurisdiction"
        PROGRAM = "program", "Program staff"

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="coaching_logs"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_logs"
    )
    side = models.CharField(max_length=20, choices=Side.choices, default=Side.JURISDICTION)
    date = models.DateField(help_text="The day, in the jurisdiction's time zone.")
    week_start = models.DateField(editable=False, db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(15), MaxValueValidator(16 * 60)]
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    workstream = models.CharField(max_length=30, choices=Workstream.choices)
    staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coaching_logs_as_coach",
        limit_choices_to={"is_staff": True},
        help_text="The program staff member the work was with.",
    )
    notes = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    # A staff member's log of their side of a 1:1 session points to the contact's entry for the
    # same meeting; it is then left out of totals so the hour is not counted twice.
    pairs_with = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="paired_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CoachingLogQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["jurisdiction", "date"], name="coaching_log_jur_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=15)
                & models.Q(duration_minutes__lte=16 * 60),
                name="coaching_log_duration_between_15_minutes_and_16_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.hours:g} h on {self.date} ({self.jurisdiction})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.week_start = week_start_of(self.date)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "date" in update_fields:
            kwargs["update_fields"] = {*update_fields, "week_start"}
        super().save(*args, **kwargs)

    @property
    def hours(self) -> float:
        return self.duration_minutes / 60


class CoachingSettings(models.Model):
    """Staff-configured coaching rules (one row; edit it in the admin)."""

    edit_window_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(0)],
        help_text="Authors may edit or delete an entry this many days after writing it.",
    )
    one_on_one_hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=4,
        help_text="The 1:1 coaching ceiling per week (above it, a warning, not a refusal).",
    )
    group_hours_per_month_min = models.DecimalField(max_digits=4, decimal_places=2, default=1)
    group_hours_per_month_max = models.DecimalField(max_digits=4, decimal_places=2, default=2)
    quiet_weeks_flag = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1)],
        help_text="Flag a jurisdiction on the staff dashboard after this many weeks without logs.",
    )

    class Meta:
        verbose_name = "coaching settings"
        verbose_name_plural = "coaching settings"

    def __str__(self) -> str:
        return "Coaching settings"

    @classmethod
    def load(cls) -> CoachingSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class Deliverable(models.Model):
    """A piece of work a jurisdiction produces in a workstream, e.g. "RFP draft"."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        IN_REVIEW = "in_review", "With program staff for review"
        DONE = "done", "Done"

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="deliverables"
    )
    workstream = models.CharField(max_length=30, choices=Workstream.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliverables_owned",
    )
    completed_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.jurisdiction})"


def _document_path(instance: DeliverableDocument, filename: str) -> str:
    from gpl_cohort.uploads import storage_name

    return storage_name("deliverables", instance.file_kind or "bin")


class DeliverableDocument(models.Model):
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=_document_path)
    file_name = models.CharField(max_length=150)
    file_kind = models.CharField(max_length=10)
    file_size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def jurisdiction_id(self) -> int:
        return self.deliverable.jurisdiction_id
