from celery import shared_task

from jurisdictions import services


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=60, max_retries=5)
def mou_reminders_task() -> int:
    """Daily: remind jurisdictions whose MoU waits in “sent” (safe to run twice)."""
    return services.mou_reminders_send()
