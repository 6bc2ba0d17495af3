from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from gpl_cohort.accounts.models import validate_time_zone


class Cohort(models.Model):
    """One year of the implementation cohort, e.g. "2022–2023 Implementation Cohort"."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    opens_at = models.DateTimeField(help_text="When the application window opens.")
    closes_at = models.DateTimeField(help_text="When the application window closes.")
    time_zone = models.CharField(
        max_length=64,
        default="America/New_York",
        validators=[validate_time_zone],
        help_text="The zone in which the application window is published and checked.",
    )
    starts_on = models.DateField(help_text="The first day of the cohort year.")
    length_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    seats = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1)])
    webinar_url = models.URLField("informational webinar link", blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="applications_cohort_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now() < self.closes_at


class Application(models.Model):
    """A jurisdiction's application to one cohort (one per jurisdiction and cohort)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ROUND1_REVIEW = "round1_review", "Round 1 review"
        INVITED_ROUND2 = "invited_round2", "Invited to round 2"
        DECLINED = "declined", "Declined after round 1"
        INTERVIEW_SCHEDULED = "interview_scheduled", "Interview scheduled"
        INTERVIEWED = "interviewed", "Interviewed"
        REFERENCES_CHECKED = "references_checked", "References checked"
        SELECTED = "selected", "Selected"
        NOT_SELECTED = "not_selected", "Not selected"
        PAPERWORK_RECEIVED = "paperwork_received", "MoU and support letters received"
        ENROLLED = "enrolled", "Enrolled"
        WITHDRAWN = "withdrawn", "Withdrawn"

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="applications")
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "jurisdiction"],
                name="applications_one_application_per_jurisdiction_and_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} → {self.cohort}"
