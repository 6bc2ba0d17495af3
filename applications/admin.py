"""Program staff's list of applications: filters, review statistics, bulk transitions, CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import path, reverse
from django.utils.html import format_html

from applications import workflow
from applications.answers import ANSWER_FIELDS
from applications.models import (
    Application,
    ApplicationContact,
    ApplicationDocument,
    ApplicationTransition,
    CoApplicantInvitation,
    EmailTemplate,
    Interview,
    ReferenceCheck,
    Review,
    ReviewCriterion,
    ReviewScore,
    ShortAnswerQuestion,
)
from applications.scores import score_display
from applications.selectors import with_review_stats
from applications.services import TransitionError, application_transition
from cohorts.models import Cohort
from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from gpl_cohort.uploads import csv_safe

if TYPE_CHECKING:
    from applications.selectors import ReviewedApplication


class ShortAnswerQuestionInline(admin.TabularInline):
    model = ShortAnswerQuestion
    extra = 0


class ReviewCriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "opens_at", "closes_at", "time_zone", "starts_on", "seats"]
    list_filter = ["starts_on", "time_zone"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "starts_on"
    inlines = [ShortAnswerQuestionInline, ReviewCriterionInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not form.instance.criteria.exists():
            # A new cohort starts with the four published preference criteria as its rubric.
            from applications.services import criteria_seed

            criteria_seed(cohort=form.instance)


class LaunchWindowFilter(admin.SimpleListFilter):
    title = "launch window"
    parameter_name = "launch"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("within", "Within 6–9 months of cohort start"),
            ("earlier", "Earlier than 6 months"),
            ("later", "Later than 9 months"),
            ("unknown", "No launch date"),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Application]
    ) -> QuerySet[Application]:
        value = self.value()
        if value == "unknown":
            return queryset.filter(anticipated_launch_on__isnull=True)
        if value not in ("within", "earlier", "later"):
            return queryset
        # The window depends on each cohort's start; cohorts are few, so one Q per cohort.
        condition = Q(pk__in=[])
        for cohort in Cohort.objects.all():
            first, last = cohort.launch_window
            launch = {
                "within": Q(anticipated_launch_on__range=(first, last)),
                "earlier": Q(anticipated_launch_on__lt=first),
                "later": Q(anticipated_launch_on__gt=last),
            }[value]
            condition |= Q(cohort=cohort) & launch
        return queryset.filter(condition)


def _transition_action(target: str, label: str) -> Any:
    def action(
        modeladmin: ApplicationAdmin, request: AuthenticatedHttpRequest, queryset: QuerySet
    ) -> None:
        moved, refused = 0, []
        for application in queryset.select_related("jurisdiction", "cohort"):
            try:
                application_transition(
                    application=application,
                    to_status=target,
                    by=request.user,
                    comment="Bulk action in the admin",
                )
            except TransitionError as error:
                refused.append(f"{application.jurisdiction}: {error}")
            else:
                moved += 1
        if moved:
            modeladmin.message_user(request, f"{moved} application(s): {label}.", messages.SUCCESS)
        for message in refused[:20]:
            modeladmin.message_user(request, message, messages.ERROR)
        if len(refused) > 20:
            modeladmin.message_user(
                request, f"… and {len(refused) - 20} more refused.", messages.ERROR
            )

    action.__name__ = f"move_to_{target}"
    action.short_description = f"{label} (selected)"  # type: ignore[attr-defined]
    action.allowed_permissions = ("change",)  # type: ignore[attr-defined]
    return action


def _stage_action(decision: str, label: str) -> Any:
    def action(
        modeladmin: ApplicationAdmin, request: AuthenticatedHttpRequest, queryset: QuerySet
    ) -> None:
        from django.core.exceptions import ValidationError

        from applications.services import decision_stage

        staged = 0
        for application in queryset.select_related("jurisdiction"):
            try:
                decision_stage(application=application, decision=decision)
            except ValidationError as error:
                modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                staged += 1
        modeladmin.message_user(request, f"{staged} decision(s) staged: {label}.")

    action.__name__ = f"stage_{decision or 'none'}"
    action.short_description = f"Stage decision: {label}"  # type: ignore[attr-defined]
    action.allowed_permissions = ("change",)  # type: ignore[attr-defined]
    return action


_TARGETS: dict[str, str] = {}
for _t in workflow.TRANSITIONS:
    if workflow.STAFF in _t.actors and not _t.needs_comment and not _t.guards:
        _TARGETS.setdefault(_t.target, _t.action_label)

CSV_COLUMNS = [
    ("Jurisdiction", lambda a: a.jurisdiction.name),
    ("State", lambda a: a.jurisdiction.state),
    ("Population", lambda a: a.jurisdiction.population or ""),
    ("Cohort", lambda a: a.cohort.name),
    ("Status", lambda a: a.get_status_display()),
    ("Staged decision", lambda a: a.get_pending_decision_display() if a.pending_decision else ""),
    ("Applying office", lambda a: a.get_applying_office_display()),
    ("Stage", lambda a: a.get_stage_display()),
    ("Anticipated launch", lambda a: a.anticipated_launch_on or ""),
    ("Reviews", lambda a: a.review_count or 0),
    ("Mean score", lambda a: score_display(a.mean_score, missing="")),
    ("Conflict declared", lambda a: "yes" if a.has_conflict else ""),
    ("Submitted at", lambda a: a.submitted_at.isoformat() if a.submitted_at else ""),
]


class _Echo:
    def write(self, value: str) -> str:
        return value


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "jurisdiction_name", "state", "cohort_name", "population", "stage", "mean_score_display",
        "review_count_display", "status", "pending_decision", "conflict", "jurisdiction_link",
    ]  # fmt: skip
    list_filter = [
        "cohort", "status", "jurisdiction__state", "applying_office", "stage", LaunchWindowFilter,
        "pending_decision",
    ]  # fmt: skip
    search_fields = ["jurisdiction__name", "jurisdiction__state"]
    list_select_related = ["jurisdiction", "cohort"]
    autocomplete_fields = ["jurisdiction"]
    list_per_page = 100
    change_list_template = "applications/admin/change_list.html"
    readonly_fields = [
        "status",
        "submitted_at",
        "created_at",
        "mou_confirmed_at",
        "mou_confirmed_by",
    ]
    actions = [
        *(_transition_action(target, label) for target, label in _TARGETS.items()),
        *(_stage_action(value, label) for value, label in Application.Decision.choices if value),
        _stage_action("", "clear"),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        return with_review_stats(super().get_queryset(request))

    def get_fieldsets(self, request: HttpRequest, obj: Application | None = None) -> Any:
        """The answers (applications/answers.py) together, in the order the form asks them."""
        answers = [*ANSWER_FIELDS, "short_answers"]
        rest = [f for f in self.get_fields(request, obj) if f not in answers]
        return [(None, {"fields": rest}), ("Answers", {"fields": answers})]

    @admin.display(description="Jurisdiction", ordering="jurisdiction__name")
    def jurisdiction_name(self, obj: Application) -> str:
        return obj.jurisdiction.name

    # Its own column: inside the first column it would nest in the change link, and a link
    # inside a link reaches screen readers as an empty link.
    @admin.display(description="Application page")
    def jurisdiction_link(self, obj: Application) -> str:
        return format_html(
            '<a href="{}">Open {}’s application</a>',
            reverse("applications:detail", args=[obj.pk]),
            obj.jurisdiction.name,
        )

    @admin.display(description="State", ordering="jurisdiction__state")
    def state(self, obj: Application) -> str:
        return obj.jurisdiction.state

    @admin.display(description="Cohort", ordering="cohort__starts_on")
    def cohort_name(self, obj: Application) -> str:
        return obj.cohort.name

    @admin.display(description="Population", ordering="jurisdiction__population")
    def population(self, obj: Application) -> str:
        return obj.jurisdiction.population_label

    @admin.display(description="Mean score", ordering="mean_score")
    def mean_score_display(self, obj: ReviewedApplication) -> str:
        return score_display(obj.mean_score)

    @admin.display(description="Reviews", ordering="review_count")
    def review_count_display(self, obj: ReviewedApplication) -> int:
        return obj.review_count or 0

    @admin.display(description="Conflict", boolean=True, ordering="has_conflict")
    def conflict(self, obj: ReviewedApplication) -> bool:
        return obj.has_conflict

    def get_urls(self) -> list[Any]:
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_csv),
                name="applications_application_export",
            ),
            *super().get_urls(),
        ]

    def export_csv(self, request: HttpRequest) -> HttpResponseBase:
        """The changelist's filtered and searched rows as CSV, streamed row by row."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)

        def rows() -> Iterator[str]:
            writer = csv.writer(_Echo())
            yield writer.writerow([title for title, _ in CSV_COLUMNS])
            for application in queryset.iterator(chunk_size=500):
                yield writer.writerow([csv_safe(str(get(application))) for _, get in CSV_COLUMNS])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="applications.csv"'
        return response


@admin.register(ApplicationTransition)
class ApplicationTransitionAdmin(admin.ModelAdmin):
    list_display = ["application", "from_status", "to_status", "by", "actor", "created_at"]
    list_filter = ["to_status", "actor"]
    list_select_related = ["application__jurisdiction", "application__cohort", "by"]
    search_fields = ["application__jurisdiction__name", "comment"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReviewScoreInline(admin.TabularInline):
    model = ReviewScore
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["application", "reviewer", "conflict_of_interest", "submitted_at"]
    list_filter = ["application__cohort", "conflict_of_interest"]
    search_fields = ["application__jurisdiction__name", "reviewer__email", "comment"]
    list_select_related = ["application__jurisdiction", "application__cohort", "reviewer"]
    inlines = [ReviewScoreInline]
    raw_id_fields = ["application"]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["key", "cohort", "subject", "updated_at"]
    list_filter = ["cohort", "key"]
    search_fields = ["subject", "body"]


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["application", "starts_at", "time_zone", "meeting_url"]
    list_filter = ["application__cohort", "starts_at"]
    search_fields = ["application__jurisdiction__name", "attendees"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_select_related = ["application__jurisdiction", "application__cohort"]
    raw_id_fields = ["application"]


@admin.register(ReferenceCheck)
class ReferenceCheckAdmin(admin.ModelAdmin):
    list_display = ["application", "name", "organisation", "called_on"]
    list_filter = ["application__cohort", "called_on"]
    search_fields = ["name", "organisation", "application__jurisdiction__name"]
    list_select_related = ["application__jurisdiction", "application__cohort"]
    raw_id_fields = ["application"]


@admin.register(ApplicationContact)
class ApplicationContactAdmin(admin.ModelAdmin):
    list_display = ["application", "user", "invited_by", "created_at"]
    list_filter = ["application__cohort", "created_at"]
    list_select_related = ["application__jurisdiction", "application__cohort", "user", "invited_by"]
    raw_id_fields = ["application", "user", "invited_by"]
    search_fields = ["user__email", "application__jurisdiction__name"]


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(admin.ModelAdmin):
    list_display = ["file_name", "application", "pages", "uploaded_at"]
    list_filter = ["application__cohort", "uploaded_at"]
    search_fields = ["file_name", "application__jurisdiction__name"]
    list_select_related = ["application__jurisdiction", "application__cohort"]
    raw_id_fields = ["application"]
    exclude = ["file"]  # served only through the permission-checked download view
    readonly_fields = ["file_name", "pages", "size", "uploaded_by"]


@admin.register(CoApplicantInvitation)
class CoApplicantInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "application", "invited_by", "created_at", "accepted_at"]
    list_filter = ["application__cohort", "created_at"]
    search_fields = ["email", "application__jurisdiction__name"]
    list_select_related = ["application__jurisdiction", "application__cohort", "invited_by"]
    raw_id_fields = ["application", "invited_by", "accepted_by"]
    exclude = ["token"]  # the invitation link is a secret: it is emailed, never shown
