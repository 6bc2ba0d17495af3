"""Celery tasks of the community app. Each takes ids, calls a service, and is safe to run twice."""

from celery import shared_task

from community import services
from community.services import newsletter as newsletter_services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def newsletter_fan_out_task(issue_id: int) -> int:
    return services.issue_fan_out(issue_id=issue_id)


@shared_task
def community_reminders_task() -> dict:
    """Beat, every 5 minutes: the 24-hour and 1-hour reminders that are due."""
    return services.reminders_send_due()


@shared_task
def newsletter_scheduler_task() -> dict:
    """Beat, every minute: start scheduled issues, resume stalled fan-outs, close finished ones."""
    return {
        **services.issues_release_scheduled(),
        "resumed": services.issues_resume_stalled(),
        "finished": newsletter_services.issues_mark_finished(),
    }
