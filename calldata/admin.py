from django.contrib import admin

from calldata.models import (
    CallTypeMapping,
    ColumnMapping,
    Dataset,
    DecisionTree,
    DictionaryEntry,
    OutcomeRecord,
    Scenario,
)


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["original_name", "jurisdiction", "status", "rows_kept", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["report", "summary", "mapping", "headers", "preview", "source"]


@admin.register(DictionaryEntry)
class DictionaryEntryAdmin(admin.ModelAdmin):
    """Staff extend the built-in call-type dictionary here (program-wide or per jurisdiction)."""

    list_display = ["pattern", "kind", "category", "jurisdiction", "note"]
    list_filter = ["category", "kind"]


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


admin.site.register([ColumnMapping, Scenario, DecisionTree, OutcomeRecord])
