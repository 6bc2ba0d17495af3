from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from gpl_cohort.accounts.models import validate_time_zone


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ApprovedDomain(models.Model):
    """An email domain staff accept for a jurisdiction besides .gov and .us (e.g. 'cityofx.org')."""

    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.CASCADE, related_name="approved_domains"
    )
    domain = models.CharField(max_length=150, help_text="Without '@', e.g. cityofexample.org")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="community_unique_approved_domain"),
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.jurisdiction})"


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
    decided_at = models.DateTimeField(null=True, blank=True)
    feed_token = models.CharField(
        max_length=64,
        default=new_token,
        unique=True,
        help_text="Secret part of this member's calendar feed URL.",
    )

    class Meta:
        ordering = ["-joined_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.jurisdiction})"


class Topic(models.Model):
    """A session topic staff define beyond the built-in ones."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """A monthly community-of-practice session, or a public informational webinar."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", "Community of practice session"
        WEBINAR = "webinar", "Public informational webinar"

    class Topic(models.TextChoices):
        OUTCOME_TRACKING = "outcome_tracking", "Outcome tracking"
        TEAM_TRAINING = "team_training", "Team training"
        RFP_DESIGN = "rfp_design", "Request for proposal (RFP) design"
        COMMUNITY_OUTREACH = "community_outreach", "Community outreach"
        STAKEHOLDER_COLLABORATION = "stakeholder_collaboration", "Stakeholder collaboration"
        FUNDING = "funding", "Funding streams (ARPA and others)"
        OTHER = "other", "Other (staff-defined topic)"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMUNITY)
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=40, choices=Topic.choices)
    staff_topic = models.ForeignKey(
        "community.Topic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="A staff-defined topic, used when the topic is 'Other'.",
    )
    starts_at = models.DateTimeField()
    time_zone = models.CharField(
        max_length=64,
        default="America/New_York",
        validators=[validate_time_zone],
        help_text="The host's zone; each person sees the time in their own zone.",
    )
    duration = models.DurationField(default=timedelta(hours=1))
    capacity = models.PositiveIntegerField(default=100, validators=[MinValueValidator(1)])
    meeting_url = models.URLField(blank=True, help_text="Shown only to registered members.")
    description = models.TextField(blank=True)
    agenda_sharing = models.TextField(
        "agenda: sharing", blank=True, help_text="A jurisdiction shares its experience."
    )
    agenda_learning = models.TextField(
        "agenda: learning", blank=True, help_text="Facilitated learning on the topic."
    )
    agenda_connection = models.TextField(
        "agenda: connection", blank=True, help_text="Time to connect with peers."
    )
    recording_url = models.URLField(blank=True)
    slides = models.FileField(upload_to="community/slides/", blank=True)
    slides_filename = models.CharField(max_length=200, blank=True)
    followup_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # A webinar's public page; a community session's page for members.
        name = "community:webinar" if self.is_webinar else "community:session_detail"
        return reverse(name, args=[self.pk])

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + self.duration

    @property
    def topic_label(self) -> str:
        if self.topic == self.Topic.OTHER and self.staff_topic is not None:
            return self.staff_topic.name
        return self.get_topic_display()

    @property
    def is_webinar(self) -> bool:
        return self.kind == self.Kind.WEBINAR


class Presenter(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="presenters")
    name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Often a cohort jurisdiction.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Registration(models.Model):
    """One person's place (or place in line) at a session or webinar.

    One row per (session, email) for ever: cancelling and registering again reuse it, which keeps
    the calendar invitation's UID stable and lets its SEQUENCE grow.
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        WAITLISTED = "waitlisted", "On the waitlist"
        CANCELLED = "cancelled", "Cancelled"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="session_registrations",
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    jurisdiction_name = models.CharField("which jurisdiction?", max_length=200, blank=True)
    question = models.TextField("what would you like to ask?", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    status_changed_at = models.DateTimeField()
    ics_sequence = models.PositiveIntegerField(default=0)
    attended = models.BooleanField(null=True, blank=True)
    reminder_24h_at = models.DateTimeField(null=True, blank=True)
    reminder_1h_at = models.DateTimeField(null=True, blank=True)
    followup_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status_changed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"], name="community_one_registration_per_person"
            ),
        ]
        indexes = [
            models.Index(
                fields=["session", "status", "status_changed_at"], name="community_reg_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.session} ({self.get_status_display()})"

    @property
    def ics_uid(self) -> str:
        return f"cohort-session-{self.session_id}-registration-{self.pk}@cohort"


class Subscriber(models.Model):
    """A newsletter subscriber (double opt-in)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        SUBSCRIBED = "subscribed", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(unique=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class NewsletterIssue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        NEEDS_CONFIRMATION = "needs_confirmation", "Past its time: needs staff confirmation"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    subject = models.CharField(max_length=200)
    body_markdown = models.TextField(help_text="Markdown: **bold**, _italic_, [links](https://…).")
    status = models.CharField(
        max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recipient_count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject

    @property
    def message_key(self) -> str:
        return f"newsletter:{self.pk}"
