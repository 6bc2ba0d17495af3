from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cohorts.models import Cohort
from gpl_cohort.accounts.models import validate_time_zone


class ShortAnswerQuestion(models.Model):
    """A short-answer question staff configure for one cohort (counts towards the word limit)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cohort", "order", "pk"]

    def __str__(self) -> str:
        return self.prompt


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

    class ApplyingOffice(models.TextChoices):
        EXECUTIVE = "executive", "City or county executive"
        DISPATCH = "dispatch", "Emergency dispatch"
        PUBLIC_HEALTH = "public_health", "Public health"
        COMMUNITY_SAFETY = "community_safety", "Community safety"
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
        COUNCIL_OF_GOVERNMENTS = "cog", "Council of governments"
        OTHER = "other", "Other"

    class Stage(models.TextChoices):
        EXPLORING = "exploring", "Exploring"
        PLANNING = "planning", "Planning"
        PILOTING = "piloting", "Piloting"
        LAUNCHED = "launched", "Launched"

    class TeamMember(models.TextChoices):
        PEERS = "peers", "Peers"
        SOCIAL_WORKERS = "social_workers", "Social workers"
        EMTS = "emts", "EMTs"
        PARAMEDICS = "paramedics", "Paramedics"
        SUBSTANCE_USE = "substance_use", "Substance-use specialists"
        COMMUNITY_HEALTH_WORKERS = "chws", "Community health workers"
        OTHER = "other", "Other"

    class Decision(models.TextChoices):
        """A staged decision, applied in bulk later (the target status)."""

        NONE = "", "No decision staged"
        INVITE_ROUND2 = "invited_round2", "Invite to round 2"
        DECLINE = "declined", "Decline after round 1"
        SELECT = "selected", "Select"
        NOT_SELECT = "not_selected", "Not select"

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="applications")
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction", on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    # Round 1 answers.
    applying_office = models.CharField(max_length=30, choices=ApplyingOffice.choices, blank=True)
    applying_office_other = models.CharField("other office", max_length=150, blank=True)
    partners = models.TextField("partner agencies and community stakeholders", blank=True)
    stage = models.CharField("program stage", max_length=20, choices=Stage.choices, blank=True)
    anticipated_launch_on = models.DateField("anticipated launch date", null=True, blank=True)
    team_make_up = models.JSONField("planned team make-up", default=list, blank=True)
    team_make_up_other = models.CharField("other team members", max_length=150, blank=True)
    call_types = models.TextField("call types the team would take", blank=True)
    collaboration = models.TextField("how agencies and community partners collaborate", blank=True)
    equity_goals = models.TextField(
        "equity goals for communities disproportionately affected by the justice system",
        blank=True,
    )
    short_answers = models.JSONField(
        default=dict, blank=True, help_text="Answers to the cohort's questions, by question id."
    )

    # Staff work.
    pending_decision = models.CharField(
        max_length=30, choices=Decision.choices, blank=True, default=""
    )
    mou_confirmed_at = models.DateTimeField("MoU confirmed verbally at", null=True, blank=True)
    mou_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mou_confirmation_note = models.TextField(blank=True)
    support_letters_requested_at = models.DateTimeField(null=True, blank=True)

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

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def launch_months_after_start(self) -> int | None:
        if not self.anticipated_launch_on:
            return None
        start = self.cohort.starts_on
        launch = self.anticipated_launch_on
        return (launch.year - start.year) * 12 + launch.month - start.month

    @property
    def launches_in_window(self) -> bool | None:
        if not self.anticipated_launch_on:
            return None
        first, last = self.cohort.launch_window
        return first <= self.anticipated_launch_on <= last


class ApplicationContact(models.Model):
    """A person who may see and edit an application (the applicant and co-applicants).

    Deliberately not `User.contact_jurisdiction`: claiming to apply for a jurisdiction must not
    open that jurisdiction's coaching or call data to whoever signs up.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="contacts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_contacts"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "user"], name="applications_one_contact_row_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.application}"


def _token() -> str:
    return secrets.token_urlsafe(32)


class CoApplicantInvitation(models.Model):
    """An emailed invitation to join an application as a co-applicant (accepted via token)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.application}"


def _document_path(instance: ApplicationDocument, filename: str) -> str:
    from gpl_cohort.uploads import Kind, storage_name

    return storage_name("applications", Kind.PDF)


class ApplicationDocument(models.Model):
    """Uploaded material (PDF); the pages of all of an application's documents are capped."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=_document_path)
    file_name = models.CharField(max_length=150)
    pages = models.PositiveSmallIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.file_name


class ApplicationTransition(models.Model):
    """One step of an application's timeline: who moved it, when, from where to where, and why."""

    class Actor(models.TextChoices):
        STAFF = "staff", "Program staff"
        APPLICANT = "applicant", "Applicant"
        SYSTEM = "system", "System"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=30, choices=Application.Status.choices)
    to_status = models.CharField(max_length=30, choices=Application.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.CharField(max_length=20, choices=Actor.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status} → {self.to_status}"


class ReviewCriterion(models.Model):
    """A published preference criterion a reviewer scores (1–5), with a weight."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=4, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cohort", "order", "pk"]
        verbose_name_plural = "review criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "name"], name="applications_unique_criterion_per_cohort"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One reviewer's round 1 review of one application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    conflict_of_interest = models.BooleanField(
        default=False, help_text="A reviewer who declares a conflict does not score."
    )
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="applications_one_review_per_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.application} by {self.reviewer}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="applications_one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5),
                name="applications_score_between_1_and_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class EmailTemplate(models.Model):
    """An email staff can read and edit per cohort before it goes (Django template syntax)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="email_templates")
    key = models.CharField(max_length=50)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cohort", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "key"], name="applications_one_email_template_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.cohort})"


class Interview(models.Model):
    """The round 2 Zoom interview."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    starts_at = models.DateTimeField()
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    meeting_url = models.URLField("meeting link")
    attendees = models.TextField(
        "agency representatives attending", help_text="One per line: name, title, agency."
    )
    notes = models.TextField(blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"Interview of {self.application} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def local_starts_at(self) -> dt.datetime:
        from zoneinfo import ZoneInfo

        return self.starts_at.astimezone(ZoneInfo(self.time_zone))


class ReferenceCheck(models.Model):
    """A reference-check call with a community stakeholder the jurisdiction chose."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reference_checks"
    )
    name = models.CharField(max_length=150)
    organisation = models.CharField(max_length=150)
    called_on = models.DateField("date of the call")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["called_on", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"
