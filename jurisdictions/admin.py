from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from gpl_cohort.workflow import Transition
from jurisdictions import mou_workflow
from jurisdictions.models import (
    Agency,
    Contact,
    Jurisdiction,
    MoU,
    MoUTransition,
    PaperworkSettings,
    PointOfContactChange,
    Resource,
    ResourceTag,
    ResponseTeam,
    SupportLetter,
)
from jurisdictions.services import mou_transition


class ResponseTeamInline(admin.TabularInline):
    model = ResponseTeam
    extra = 0


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "state", "kind", "population_display", "time_zone"]
    list_filter = ["kind", "state", "time_zone"]
    search_fields = ["name", "state"]
    inlines = [ResponseTeamInline]

    @admin.display(description="Population", ordering="population")
    def population_display(self, obj: Jurisdiction) -> str:
        return obj.population_label


@admin.register(ResponseTeam)
class ResponseTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "status", "dispatched_from", "launched_on"]
    list_filter = ["status", "dispatched_from", "jurisdiction__state"]
    search_fields = ["name", "jurisdiction__name"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "jurisdiction"]
    list_filter = ["kind"]
    search_fields = ["name", "jurisdiction__name"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["full_name", "title", "agency", "jurisdiction", "email"]
    list_filter = ["agency__kind", "jurisdiction__state"]
    search_fields = ["full_name", "email", "jurisdiction__name"]
    list_select_related = ["agency", "jurisdiction"]


class MoUTransitionInline(admin.TabularInline):
    model = MoUTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "note"]
    can_delete = False


def _mou_step_action(step: Transition) -> Any:
    """An admin action taking `step` on each chosen MoU through the one MoU service."""

    # The admin site lets only signed-in staff this far.
    def action(
        modeladmin: admin.ModelAdmin, request: AuthenticatedHttpRequest, queryset: QuerySet
    ) -> None:
        moved = 0
        for mou in queryset.select_related("membership__jurisdiction"):
            try:
                mou_transition(mou=mou, to_status=step.target, by=request.user, note="In the admin")
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                modeladmin.message_user(request, f"{mou}: {text}", messages.ERROR)
            else:
                moved += 1
        if moved:
            modeladmin.message_user(request, f"{moved} MoU(s): {step.action_label}.")

    action.__name__ = f"mou_{step.source}_to_{step.target}"
    source = mou_workflow.WORKFLOW.label(step.source)
    action.short_description = f"{step.action_label} (from “{source}”)"  # type: ignore[attr-defined]
    action.allowed_permissions = ("change",)  # type: ignore[attr-defined]
    return action


@admin.register(MoU)
class MoUAdmin(admin.ModelAdmin):
    list_display = ["membership", "status", "sent_at", "signed_at", "countersigned_at"]
    list_filter = ["status", "membership__cohort"]
    search_fields = ["membership__jurisdiction__name", "jurisdiction_signatory"]
    # Status changes go through jurisdictions.services.mou_transition: the seat page, or these
    # actions for the staff steps that need nothing typed or uploaded (signing needs the PDF).
    readonly_fields = [
        "status", "sent_at", "signed_at", "countersigned_at", "last_reminded_at",
        "signed_file_name",
    ]  # fmt: skip
    # The signed PDF comes in through the seat page, where its content is checked, and is
    # served only by the permission-checked download view.
    exclude = ["signed_file"]
    inlines = [MoUTransitionInline]
    actions = [
        _mou_step_action(t)
        for t in mou_workflow.TRANSITIONS
        if mou_workflow.STAFF in t.actors and not t.guards
    ]


@admin.register(SupportLetter)
class SupportLetterAdmin(admin.ModelAdmin):
    list_display = ["signer_name", "signer_title", "jurisdiction", "dated", "membership"]
    list_filter = ["dated", "jurisdiction__state"]
    search_fields = ["signer_name", "jurisdiction__name"]
    exclude = ["file"]  # checked on the way in by the upload pages, served by the download view
    readonly_fields = ["file_name", "uploaded_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Letters come in through the application and seat pages, where the PDF is checked.
        return False


@admin.register(PointOfContactChange)
class PointOfContactChangeAdmin(admin.ModelAdmin):
    list_display = ["membership", "previous", "new", "changed_by", "changed_at"]
    list_filter = ["changed_at", "membership__cohort"]
    search_fields = ["membership__jurisdiction__name", "reason", "new__email", "previous__email"]
    readonly_fields = ["membership", "previous", "new", "reason", "changed_by", "changed_at"]


@admin.register(PaperworkSettings)
class PaperworkSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "mou_reminder_after_days", "mou_reminder_every_days"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not PaperworkSettings.objects.exists()


@admin.register(ResourceTag)
class ResourceTagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "file_name", "created_at"]
    list_filter = ["category", "tags"]
    search_fields = ["title", "description"]
    readonly_fields = ["file", "file_name", "file_kind", "file_size", "uploaded_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Uploads go through the library page, where the file's content is checked.
        return False
