from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class Membership(models.Model):
    """A government practitioner's place in the community of practice."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for staff approval"
        APPROVED = "approved", "Member"
        DECLINED = "declined", "Declined"
        LEFT = "left", "Left the community"

    class Source(models.TextChoices):
        SELF = "self", "Registered on the site"
        NOT_SELECTED_APPLICANT = "applicant", "Cohort applicant not selected"
        STAFF = "staff", "Added by staff"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_membership"
    )
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="practitioners"
    )
    agency = models.CharField(max_length=150, blank=True)
    role = models.CharField("role or title", max_length=150, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SELF)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-joined_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.jurisdiction})"


class Session(models.Model):
    """A monthly community-of-practice session."""

    class Topic(models.TextChoices):
        OUTCOME_TRACKING = "outcome_tracking", "Outcome tracking"
        TEAM_TRAINING = "team_training", "Team training"
        RFP_DESIGN = "rfp_design", "Request for proposal (RFP) design"
        COMMUNITY_OUTREACH = "community_outreach", "Community outreach"
        STAKEHOLDER_COLLABORATION = "stakeholder_collaboration", "Stakeholder collaboration"
        FUNDING = "funding", "Funding streams (ARPA and others)"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=40, choices=Topic.choices)
    starts_at = models.DateTimeField()
    duration = models.DurationField(default=timedelta(hours=1))
    capacity = models.PositiveIntegerField(default=100, validators=[MinValueValidator(1)])
    meeting_url = models.URLField(blank=True, help_text="Shown only to registered members.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self):
        return self.starts_at + self.duration
