from django.contrib import admin

from applications.models import Application, Cohort


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "opens_at", "closes_at", "starts_on", "length_months", "seats"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "starts_on"


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "cohort", "status", "submitted_at"]
    list_filter = ["cohort", "status", "jurisdiction__state"]
    search_fields = ["jurisdiction__name"]
    list_select_related = ["jurisdiction", "cohort"]
    autocomplete_fields = ["jurisdiction"]
