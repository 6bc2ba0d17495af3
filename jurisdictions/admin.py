from django.contrib import admin

from jurisdictions.models import CohortMembership, Jurisdiction, ResponseTeam


class ResponseTeamInline(admin.TabularInline):
    model = ResponseTeam
    extra = 0


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "kind", "population", "time_zone"]
    list_filter = ["kind", "state", "time_zone"]
    search_fields = ["name", "state"]
    inlines = [ResponseTeamInline]


@admin.register(CohortMembership)
class CohortMembershipAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "cohort", "status", "point_of_contact", "enrolled_at"]
    list_filter = ["cohort", "status", "jurisdiction__state"]
    search_fields = ["jurisdiction__name", "point_of_contact__email", "point_of_contact__full_name"]
    list_select_related = ["jurisdiction", "cohort", "point_of_contact"]
    autocomplete_fields = ["jurisdiction", "point_of_contact"]


@admin.register(ResponseTeam)
class ResponseTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "status", "dispatched_from", "launched_on"]
    list_filter = ["status", "dispatched_from", "jurisdiction__state"]
    search_fields = ["name", "jurisdiction__name"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction"]
