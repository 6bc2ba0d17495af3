from celery import shared_task

from gpl_cohort.outbox import services


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(services.TemporaryEmailError,),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    retry_jitter=True,
    max_retries=8,
)
def email_deliver_task(self, delivery_id: int) -> str | None:
    status = services.email_deliver(delivery_id=delivery_id)
    return str(status) if status else None


@shared_task
def email_requeue_stuck_task() -> int:
    return services.email_requeue_stuck()
