from django.contrib import admin

from cohorts.models import CohortMembership

# The Cohort admin is registered by applications/admin.py: it edits each cohort together with
# its application questions and review rubric.


@admin.register(CohortMembership)
class CohortMembershipAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "cohort", "status", "point_of_contact", "enrolled_at"]
    list_filter = ["cohort", "status", "jurisdiction__state"]
    search_fields = ["jurisdiction__name", "point_of_contact__email", "point_of_contact__full_name"]
    list_select_related = ["jurisdiction", "cohort", "point_of_contact"]
    autocomplete_fields = ["jurisdiction", "point_of_contact"]
