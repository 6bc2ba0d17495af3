from __future__ import annotations

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from cohorts.models import CohortMembership
from gpl_cohort.accounts.models import validate_time_zone

US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"), ("AS", "American Samoa"), ("GU", "Guam"),
    ("MP", "Northern Mariana Islands"), ("PR", "Puerto Rico"), ("VI", "U.S. Virgin Islands"),
]  # fmt: skip


class Jurisdiction(models.Model):
    """A city, county or other government that applies to, or takes part in, the program."""

    class Kind(models.TextChoices):
        CITY = "city", "City"
        COUNTY = "county", "County"
        CITY_COUNTY = "city_county", "City-county"
        COUNCIL_OF_GOVERNMENTS = "cog", "Council of governments"
        TRIBAL_NATION = "tribal", "Tribal nation"
        STATE = "state", "State"

    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField("state", max_length=2, choices=US_STATES)
    population = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    website = models.URLField(blank=True)
    shares_in_cohort_comparison = models.BooleanField(
        "named in the cohort comparison",
        default=False,
        help_text="Other cohort members see this jurisdiction's name beside its call-data "
        "figures; without it they see it as an unnamed letter.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "state"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "state", "kind", name="jurisdictions_unique_name_state_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.state}"

    @property
    def population_label(self) -> str:
        """The population as every page prints it: with thousands separators (283,500)."""
        return intcomma(self.population) if self.population is not None else "not given"


class ResponseTeam(models.Model):
    """The jurisdiction's alternative response team: unarmed responders dispatched to 911 calls."""

    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        PILOTING = "piloting", "Piloting"
        LAUNCHED = "launched", "Launched"

    class DispatchedFrom(models.TextChoices):
        CALL_CENTER_911 = "911", "911 call center"
        OTHER = "other", "Other (988, a non-emergency line, self-dispatch)"

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="response_teams"
    )
    name = models.CharField(max_length=150)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNING)
    dispatched_from = models.CharField(
        max_length=10, choices=DispatchedFrom.choices, default=DispatchedFrom.CALL_CENTER_911
    )
    launched_on = models.DateField(null=True, blank=True)
    make_up = models.JSONField(
        default=list,
        blank=True,
        help_text="Who is on the team: peers, social workers, EMTs, paramedics, ...",
    )
    call_types = models.TextField(blank=True, help_text="The call types the team takes.")

    class Meta:
        ordering = ["jurisdiction__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="launched") | models.Q(launched_on__isnull=False),
                name="jurisdictions_launched_team_has_launch_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction})"

    @property
    def launched_from_911(self) -> bool:
        return (
            self.status == self.Status.LAUNCHED
            and self.dispatched_from == self.DispatchedFrom.CALL_CENTER_911
        )


def _mou_path(instance: MoU, filename: str) -> str:
    from gpl_cohort.uploads import Kind, storage_name

    return storage_name("mous", Kind.PDF)


def _support_letter_path(instance: SupportLetter, filename: str) -> str:
    from gpl_cohort.uploads import Kind, storage_name

    return storage_name("support-letters", Kind.PDF)


class MoU(models.Model):
    """The memorandum of understanding a selected jurisdiction signs with the program.

    Lifecycle: drafted → sent → signed by the jurisdiction → countersigned.
    """

    class Status(models.TextChoices):
        DRAFTED = "drafted", "Drafted"
        SENT = "sent", "Sent to the jurisdiction"
        SIGNED = "signed", "Signed by the jurisdiction"
        COUNTERSIGNED = "countersigned", "Countersigned"

    membership = models.OneToOneField(
        CohortMembership, on_delete=models.CASCADE, related_name="mou"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFTED)
    jurisdiction_signatory = models.CharField(max_length=150, blank=True)
    jurisdiction_signatory_title = models.CharField(max_length=150, blank=True)
    program_signatory = models.CharField(max_length=150, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    countersigned_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    signed_file = models.FileField(upload_to=_mou_path, blank=True)
    signed_file_name = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "MoU"
        verbose_name_plural = "MoUs"

    def __str__(self) -> str:
        return f"MoU of {self.membership}"


class SupportLetter(models.Model):
    """A letter of support from jurisdiction leadership.

    Requested in round 2 of the application (then `application` is set) and required for
    enrolment (then `membership` is set; selection links the application's letters to the seat).
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="support_letters"
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_letters",
    )
    membership = models.ForeignKey(
        CohortMembership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_letters",
    )
    signer_name = models.CharField(max_length=150)
    signer_title = models.CharField(max_length=150)
    office = models.CharField(max_length=150, help_text="e.g. Office of the Mayor")
    dated = models.DateField()
    file = models.FileField(upload_to=_support_letter_path)
    file_name = models.CharField(max_length=150, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-dated"]

    def __str__(self) -> str:
        return f"Letter from {self.signer_name}, {self.signer_title} ({self.jurisdiction})"


class Agency(models.Model):
    """A department of the jurisdiction that takes part in the alternative response work."""

    class Kind(models.TextChoices):
        DISPATCH = "dispatch", "911 dispatch / emergency communications"
        PUBLIC_HEALTH = "public_health", "Public health"
        POLICE = "police", "Police"
        FIRE_EMS = "fire_ems", "Fire / EMS"
        COMMUNITY_SAFETY = "community_safety", "Community safety"
        BEHAVIORAL_HEALTH = "behavioral_health", "Behavioral health"
        EXECUTIVE = "executive", "Mayor's / manager's office"
        OTHER = "other", "Other"

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="agencies"
    )
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["jurisdiction__name", "name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(
                "jurisdiction", Lower("name"), name="jurisdictions_unique_agency_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction})"


class Contact(models.Model):
    """A person at the jurisdiction, with their agency and title (may or may not log in)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="people")
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jurisdiction_contact_cards",
        help_text="The person's log-in, if they have one.",
    )
    full_name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction__name", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.title}" if self.title else self.full_name


class PointOfContactChange(models.Model):
    """One designation or change of a seat's project point of contact (shown to staff)."""

    membership = models.ForeignKey(
        CohortMembership, on_delete=models.CASCADE, related_name="point_of_contact_changes"
    )
    previous = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    new = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.previous or '—'} → {self.new} ({self.membership})"


class MoUTransition(models.Model):
    """One step of an MoU's lifecycle: who moved it, from where to where, and when."""

    mou = models.ForeignKey(MoU, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=MoU.Status.choices)
    to_status = models.CharField(max_length=20, choices=MoU.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.mou}: {self.from_status} → {self.to_status}"


class PaperworkSettings(models.Model):
    """Staff-configured enrolment paperwork rules (one row; edit it in the admin)."""

    mou_reminder_after_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1)],
        help_text="Remind the point of contact when an MoU has waited this many days in “sent”.",
    )
    mou_reminder_every_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1)],
        help_text="Then remind again every this many days until it is signed.",
    )

    class Meta:
        verbose_name = "paperwork settings"
        verbose_name_plural = "paperwork settings"

    def __str__(self) -> str:
        return "Paperwork settings"

    @classmethod
    def load(cls) -> PaperworkSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


def _resource_path(instance: Resource, filename: str) -> str:
    from gpl_cohort.uploads import storage_name

    return storage_name("resources", instance.file_kind or "bin")


class ResourceTag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """An implementation template or peer example in the resource library."""

    class Category(models.TextChoices):
        CALL_ANALYSIS = "call_analysis", "911 call-for-service analysis"
        DECISION_TREE = "decision_tree", "Call decision trees"
        COMMUNITY_BRIEFING = "community_briefing", "Community briefing materials"
        EVALUATION = "evaluation", "Program evaluation plans"
        RFP = "rfp", "Service-provider RFPs"
        HIRING = "hiring", "Job descriptions and interview guides"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=30, choices=Category.choices, default=Category.OTHER)
    tags = models.ManyToManyField(ResourceTag, blank=True, related_name="resources")
    source_jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="For peer examples: the government it comes from.",
    )
    file = models.FileField(upload_to=_resource_path)
    file_name = models.CharField(max_length=150)
    file_kind = models.CharField(max_length=10)
    file_size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title
