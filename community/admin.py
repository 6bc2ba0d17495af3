from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from community import services
from community.models import (
    ApprovedDomain,
    Membership,
    NewsletterIssue,
    Presenter,
    Registration,
    Session,
    Subscriber,
    Topic,
)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "jurisdiction", "agency", "role", "status", "source", "joined_at"]
    list_filter = ["status", "source", "jurisdiction__state"]
    search_fields = ["user__email", "user__full_name", "jurisdiction__name", "agency"]
    list_select_related = ["user", "jurisdiction"]
    autocomplete_fields = ["user", "jurisdiction"]
    readonly_fields = ["feed_token", "decided_at"]
    actions = ["approve", "decline"]

    @admin.action(description="Approve the selected memberships (emails each person)")
    def approve(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            services.membership_decide(membership=membership, approve=True)
        messages.success(request, f"{queryset.count()} approved.")

    @admin.action(description="Decline the selected memberships (emails each person)")
    def decline(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            services.membership_decide(membership=membership, approve=False)
        messages.success(request, f"{queryset.count()} declined.")


@admin.register(ApprovedDomain)
class ApprovedDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "jurisdiction", "created_at"]
    list_filter = ["jurisdiction__state"]
    search_fields = ["domain", "jurisdiction__name"]
    autocomplete_fields = ["jurisdiction"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class PresenterInline(admin.TabularInline):
    model = Presenter
    extra = 1
    autocomplete_fields = ["jurisdiction"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["full_name", "email", "status", "attended", "status_changed_at"]
    readonly_fields = ["full_name", "email", "status", "attended", "status_changed_at"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "kind", "topic", "starts_at", "duration", "capacity"]
    list_filter = ["kind", "topic"]
    search_fields = ["title", "description"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["staff_topic"]
    inlines = [PresenterInline, RegistrationInline]
    # Slides come in through the staff session page, where the PDF is checked.
    readonly_fields = ["followup_sent_at", "slides_filename"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "topic", "staff_topic", "description"]}),
        ("When", {"fields": ["starts_at", "time_zone", "duration", "capacity", "meeting_url"]}),
        ("Agenda", {"fields": ["agenda_sharing", "agenda_learning", "agenda_connection"]}),
        (
            "After the session",
            {"fields": ["recording_url", "slides_filename", "followup_sent_at"]},
        ),
    ]

    def save_model(self, request: HttpRequest, obj: Session, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            # More seats: the waitlist moves up at once.
            services.waitlist_promote(session=obj)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "session", "status", "attended", "status_changed_at"]
    list_filter = ["status", "attended", "session__kind"]
    search_fields = ["email", "full_name", "session__title"]
    list_select_related = ["session"]
    readonly_fields = [f.name for f in Registration._meta.fields]
    actions = ["cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Cancel the selected registrations (sends the calendar update)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        for registration in queryset:
            services.registration_cancel(registration=registration, by_staff=True)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    readonly_fields = ["token", "created_at", "confirmed_at", "unsubscribed_at"]


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "status", "scheduled_for", "recipient_count", "started_at"]
    list_filter = ["status"]
    search_fields = ["subject", "body_markdown"]
    readonly_fields = ["status", "recipient_count", "started_at", "fanned_out_at", "created_by"]
