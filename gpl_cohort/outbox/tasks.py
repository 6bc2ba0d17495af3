import contextlib
import os
import threading
import time

from celery import Task, shared_task
from celery.signals import worker_process_init

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
def email_deliver_task(self: Task, delivery_id: int) -> str | None:
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


def _exit_after_the_message_in_hand(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    # The main worker process is gone (killed): finish the message being sent, then leave.
    # Its task was never acknowledged, so the broker or the sweeper hands the rest out again.
    services.IN_FLIGHT.acquire()
    os._exit(1)


@worker_process_init.connect
def _finish_in_flight_email_when_the_worker_dies(**kwargs: object) -> None:
    """Pool processes outlive a killed main process by at most one message.

    Celery makes pool processes die with the main process (PR_SET_PDEATHSIG=SIGKILL). A
    process killed between the SMTP server's "250 accepted" and the COMMIT that records it
    would leave a sent message looking unsent, and the sweeper would send it again. So the
    pool process instead notices its parent is gone, waits for the message in hand to be
    committed, and exits.
    """
    from billiard.process import current_process
    from billiard.util import set_pdeathsig

    if current_process().name == "MainProcess":
        # The solo pool (and test workers) run tasks in the main process: nothing to outlive.
        return
    with contextlib.suppress(OSError):
        set_pdeathsig(0)
    watcher = threading.Thread(
        target=_exit_after_the_message_in_hand,
        args=(os.getppid(),),
        name="outbox-parent-watch",
        daemon=True,
    )
    watcher.start()
