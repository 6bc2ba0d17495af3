from django.contrib import admin
from django.http import HttpRequest

from calldata.models import (
    CallTypeMapping,
    CodeTable,
    ColumnMapping,
    Dataset,
    DecisionTree,
    DictionaryEntry,
    OutcomeRecord,
    ReadingSettings,
    Scenario,
)


@admin.register(ReadingSettings)
class ReadingSettingsAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "priority_order", "priority_most_urgent", "updated_at"]
    list_filter = ["priority_order"]
    list_select_related = ["jurisdiction"]
    search_fields = ["jurisdiction__name"]
    readonly_fields = ["updated_by", "updated_at"]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["original_name", "jurisdiction", "status", "rows_kept", "created_at"]
    list_filter = ["status", "jurisdiction__state", "created_at"]
    search_fields = ["original_name", "jurisdiction__name"]
    list_select_related = ["jurisdiction"]
    readonly_fields = ["report", "summary", "mapping", "headers", "preview", "source"]
    exclude = ["file"]  # an export is read only as it came in through the checked upload

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # imports go through the upload page or the API


@admin.register(CodeTable)
class CodeTableAdmin(admin.ModelAdmin):
    list_display = ["original_name", "jurisdiction", "kind", "codes", "created_at"]
    list_filter = ["kind", "jurisdiction__state"]
    search_fields = ["original_name", "jurisdiction__name"]
    list_select_related = ["jurisdiction"]
    readonly_fields = ["entries", "notes", "code_column", "description_column", "codes"]
    exclude = ["file"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tables are read and checked by the code-tables page or the API


@admin.register(DictionaryEntry)
class DictionaryEntryAdmin(admin.ModelAdmin):
    """Staff extend the built-in call-type dictionary here (program-wide or per jurisdiction)."""

    list_display = ["pattern", "kind", "category", "jurisdiction", "note"]
    list_filter = ["category", "kind"]
    search_fields = ["pattern", "note", "jurisdiction__name"]


@admin.register(CallTypeMapping)
class CallTypeMappingAdmin(admin.ModelAdmin):
    list_display = [
        "call_type",
        "jurisdiction",
        "category",
        "suggested_category",
        "confirmed",
        "calls",
    ]
    list_filter = ["category", "confirmed"]
    search_fields = ["call_type"]


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "updated_by", "updated_at"]
    list_filter = ["jurisdiction__state", "updated_at"]
    search_fields = ["jurisdiction__name"]
    list_select_related = ["jurisdiction", "updated_by"]


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "preset", "dataset", "created_by", "updated_at"]
    list_filter = ["preset", "jurisdiction__state", "updated_at"]
    search_fields = ["name", "jurisdiction__name"]
    list_select_related = ["jurisdiction", "dataset", "created_by"]
    readonly_fields = ["results"]


@admin.register(DecisionTree)
class DecisionTreeAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "jurisdiction", "note", "created_by", "created_at"]
    list_filter = ["jurisdiction__state", "created_at"]
    search_fields = ["name", "note", "jurisdiction__name"]
    list_select_related = ["jurisdiction", "created_by"]


@admin.register(OutcomeRecord)
class OutcomeRecordAdmin(admin.ModelAdmin):
    list_display = [
        "occurred_on", "jurisdiction", "call_type", "outcome", "response_min", "on_scene_min",
    ]  # fmt: skip
    list_filter = ["outcome", "jurisdiction__state", "occurred_on"]
    search_fields = ["call_type", "neighbourhood", "jurisdiction__name"]
    list_select_related = ["jurisdiction"]
    date_hierarchy = "occurred_on"
