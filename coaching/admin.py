from django.contrib import admin
from django.http import HttpRequest

from coaching.models import CoachingLog, CoachingSettings, Deliverable, DeliverableDocument


@admin.register(CoachingLog)
class CoachingLogAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "jurisdiction",
        "kind",
        "workstream",
        "duration_minutes",
        "side",
        "author",
    ]
    list_filter = ["kind", "workstream", "side", "jurisdiction"]
    search_fields = ["jurisdiction__name", "notes", "author__email"]
    date_hierarchy = "date"
    list_select_related = ["jurisdiction", "author"]
    raw_id_fields = ["pairs_with"]
    autocomplete_fields = ["jurisdiction"]


@admin.register(CoachingSettings)
class CoachingSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "edit_window_days", "one_on_one_hours_per_week", "quiet_weeks_flag"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not CoachingSettings.objects.exists()


class DocumentInline(admin.TabularInline):
    model = DeliverableDocument
    extra = 0
    fields = ["file_name", "file_kind", "file_size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["file_name", "file_kind", "file_size", "uploaded_by", "uploaded_at"]


@admin.register(Deliverable)
class DeliverableAdmin(admin.ModelAdmin):
    list_display = ["title", "jurisdiction", "workstream", "due_on", "status", "owner"]
    list_filter = ["status", "workstream", "jurisdiction"]
    search_fields = ["title", "jurisdiction__name"]
    list_select_related = ["jurisdiction", "owner"]
    inlines = [DocumentInline]
