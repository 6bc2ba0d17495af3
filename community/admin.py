from django.contrib import admin

from community.models import Membership, Session


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "jurisdiction", "agency", "role", "status", "source", "joined_at"]
    list_filter = ["status", "source", "jurisdiction__state"]
    search_fields = ["user__email", "user__full_name", "jurisdiction__name", "agency"]
    list_select_related = ["user", "jurisdiction"]
    autocomplete_fields = ["user", "jurisdiction"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "starts_at", "duration", "capacity"]
    list_filter = ["topic"]
    search_fields = ["title", "description"]
    date_hierarchy = "starts_at"
