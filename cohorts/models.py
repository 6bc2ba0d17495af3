"""The program's cohorts and the seats jurisdictions hold in them.

The base of the program's apps: applications fill a cohort, jurisdictions hold its seats and do
their paperwork, coaching and the call-data comparison work with the enrolled seats. Both models
were first made by applications and jurisdictions and moved here with their rows
(migrations/0001_initial.py); their constraints keep the names they were created with.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from gpl_cohort.accounts.models import validate_time_zone
from gpl_cohort.dates import add_months


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

    @property
    def has_closed(self) -> bool:
        return timezone.now() >= self.closes_at

    @property
    def years_label(self) -> str:
        """ "2022–2023" from "2022–2023 Implementation Cohort"."""
        return self.name.split(" ")[0]

    @property
    def launch_window(self) -> tuple[dt.date, dt.date]:
        """The preferred launch window: six to nine months after the cohort starts."""
        return add_months(self.starts_on, 6), add_months(self.starts_on, 9)


class CohortMembership(models.Model):
    """A jurisdiction's seat in a cohort, from selection until the year ends.

    The seat becomes *enrolled* only when its MoU is signed, the leadership support letters are
    in, and a project point of contact is designated (the applications issue drives that).
    """

    class Status(models.TextChoices):
        SELECTED = "selected", "Selected, paperwork outstanding"
        ENROLLED = "enrolled", "Enrolled"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed the cohort year"

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="memberships")
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="cohort_memberships"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SELECTED)
    point_of_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="point_of_contact_for",
        help_text="The designated project point of contact, consistent for the whole year.",
    )
    selected_at = models.DateTimeField(null=True, blank=True)
    paperwork_received_at = models.DateTimeField(
        null=True, blank=True, help_text="When the signed MoU and the support letters were in."
    )
    enrolled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "jurisdiction__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "jurisdiction"], name="jurisdictions_one_seat_per_cohort"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} in {self.cohort}"
