from django.contrib import admin

from gpl_cohort.outbox.models import EmailDelivery


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "recipient",
        "category",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "category", "created_at"]
    search_fields = ["recipient", "subject", "message_key"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in EmailDelivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
