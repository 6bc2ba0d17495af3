from celery import shared_task

from gpl_cohort.outbox import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(services.TemporaryEmailError,),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    retry_jitter=True,
    max_retries=8,
)
def email_deliver_task(self, delivery_id: int) -> str | None:
    status = services.email_deliver(delivery_id=delivery_id)
    return str(status) if status else None


@shared_task(acks_late=True, reject_on_worker_lost=True)
def email_deliver_batch_task(delivery_ids: list[int]) -> dict:
    """Send a batch over one SMTP connection; rows with a temporary error retry one by one."""
    result = services.email_deliver_many(delivery_ids=delivery_ids)
    for delivery_id in result["retry"]:
        # A short countdown (well under the broker's visibility timeout); the single-row task
        # then backs off on its own, and the sweeper catches anything that still slips.
        email_deliver_task.apply_async((delivery_id,), countdown=30)
    return result["counts"]


@shared_task
def email_requeue_stuck_task() -> int:
    return services.email_requeue_stuck()
