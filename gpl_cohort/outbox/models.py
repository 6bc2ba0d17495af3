from django.db import models


class EmailDelivery(models.Model):
    """One email to one recipient. Every email the application sends is one of these rows.

    The row is written in the same transaction as the event that causes it and is the only
    source of truth for "was it sent?": the Celery task locks it, sends it only if it is still
    queued, and marks it, so running the task twice never sends twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (permanent)"
        SUPPRESSED = "suppressed", "Suppressed (address bounced or complained)"

    class Category(models.TextChoices):
        TRANSACTIONAL = "transactional", "Transactional"
        BULK = "bulk", "Bulk (newsletter, announcements)"

    message_key = models.CharField(
        max_length=200,
        help_text="What this message is, e.g. 'password-reset:42:…' or 'newsletter:7'.",
    )
    recipient = models.EmailField()
    category = models.CharField(
        max_length=20, choices=Category.choices, default=Category.TRANSACTIONAL
    )
    from_email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(
        default=list,
        blank=True,
        help_text="List of {filename, mimetype, content_b64}.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "email delivery"
        verbose_name_plural = "email deliveries"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_key", "recipient"], name="outbox_one_delivery_per_recipient"
            ),
        ]
        indexes = [models.Index(fields=["status", "queued_at"], name="outbox_status_queued_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient} ({self.get_status_display()})"


class Suppression(models.Model):
    """An address that bounced permanently or complained: no more bulk email to it."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", "Permanent bounce"
        COMPLAINT = "complaint", "Spam complaint"
        MANUAL = "manual", "Suppressed by staff"

    email = models.EmailField(unique=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_reason_display()})"
