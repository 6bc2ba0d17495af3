from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from gpl_cohort.outbox.models import EmailDelivery, Suppression
from gpl_cohort.outbox.services import deliveries_enqueue


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    """Every email the application sent or will send, with its status and last error."""

    list_display = [
        "subject",
        "recipient",
        "category",
        "status",
        "attempts",
        "short_error",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "category", "created_at"]
    search_fields = ["recipient", "subject", "message_key"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in EmailDelivery._meta.fields]
    exclude = ["attachments"]
    show_full_result_count = False  # counting millions of rows on each page view is slow
    actions = ["requeue_failed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="last error")
    def short_error(self, delivery: EmailDelivery) -> str:
        return delivery.last_error[:80]

    @admin.action(description="Try the selected failed deliveries again")
    def requeue_failed(self, request: HttpRequest, queryset: QuerySet[EmailDelivery]) -> None:
        ids = list(queryset.filter(status=EmailDelivery.Status.FAILED).values_list("pk", flat=True))
        EmailDelivery.objects.filter(pk__in=ids).update(
            status=EmailDelivery.Status.QUEUED, queued_at=timezone.now()
        )
        if ids:
            deliveries_enqueue(ids, batch_size=50)
        messages.success(request, f"{len(ids)} failed deliveries queued again.")


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]
