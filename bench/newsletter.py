"""Newsletter to 10,000 subscribers through a real Celery worker, killed mid-send.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cohort_community_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/newsletter.py [--recipients 10000]

What it does:
1. starts a local SMTP sink (aiosmtpd) on a free 127.0.0.1 port that counts every message by its
   X-Cohort-Delivery header (the outbox row id), so a message sent twice is seen twice;
2. migrates the database, replaces the bench's own subscribers (@bench.example) with N
   confirmed ones (it refuses to run if other confirmed subscribers exist: use a bench
   database), and purges the Redis queue;
3. starts `celery -A gpl_cohort worker` (prefork) with EMAIL_URL pointing at the sink, and
   sends a newsletter issue with the real service (`issue_send_now`: fan-out task, batches);
4. when about a third has arrived, SIGKILLs the worker's main process (its pool processes die
   with it), starts a new worker, and runs the outbox sweeper (and the fan-out resumer) until
   every delivery is settled;
5. prints one JSON line: recipients, delivered (distinct deliveries the sink received),
   duplicates (extra copies), worker_killed, msgs_per_s (delivered / wall time from "send" to
   the last message, kill and restart included).

Exit status 0 when delivered == recipients and duplicates == 0, else 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = re.compile(rb"^X-Cohort-Delivery:\s*(\d+)\s*$", re.MULTILINE | re.IGNORECASE)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Sink:
    """An SMTP server that only counts: delivery id -> copies received."""

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()
        self.without_header = 0
        self.last_at = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        found = HEADER.search(envelope.original_content or envelope.content)
        with self.lock:
            if found:
                self.counts[int(found.group(1))] += 1
            else:
                self.without_header += 1
            self.last_at = time.monotonic()
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.counts.values())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_worker(env: dict[str, str], name: str) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "celery", "-A", "gpl_cohort", "worker",
        "--pool", "prefork", "--concurrency", os.environ.get("BENCH_CONCURRENCY", "4"),
        "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", f"{name}@%h",
    ]  # fmt: skip
    # The worker's banner and logs go to stderr: stdout carries only the final JSON line.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument(
        "--kill-at", type=float, default=0.3, help="fraction delivered when the worker is killed"
    )
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (e.g. .../cohort_community_bench).")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL (e.g. redis://127.0.0.1:6379/5).")

    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, data_size_limit=1_000_000)
    controller.start()
    log(f"SMTP sink on 127.0.0.1:{port}")

    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gpl_cohort.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from community.models import NewsletterIssue, Subscriber
    from community.services import issue_send_now, issues_resume_stalled
    from gpl_cohort.celery import app
    from gpl_cohort.outbox.models import EmailDelivery
    from gpl_cohort.outbox.services import email_requeue_stuck

    call_command("migrate", verbosity=0)
    others = Subscriber.objects.filter(status=Subscriber.Status.SUBSCRIBED).exclude(
        email__endswith="@bench.example"
    )
    if others.exists():
        sys.exit("This database has real confirmed subscribers: use a separate bench database.")
    Subscriber.objects.filter(email__endswith="@bench.example").delete()
    Subscriber.objects.bulk_create(
        [
            Subscriber(email=f"reader{n:05d}@bench.example", status=Subscriber.Status.SUBSCRIBED)
            for n in range(args.recipients)
        ],
        batch_size=2000,
    )
    app.control.purge()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = start_worker(env, f"bench-{os.getpid()}-a")
    time.sleep(4)  # let the worker connect before the first task

    issue = NewsletterIssue.objects.create(
        subject="Bench newsletter",
        body_markdown="## Bench\n\nOne message per subscriber, **exactly** once.",
    )
    ids_of_issue = EmailDelivery.objects.filter(message_key=issue.message_key)
    started = time.monotonic()
    issue_send_now(issue=issue)
    log(f"issue {issue.pk} sent to the worker; waiting for {args.kill_at:.0%} to arrive")

    killed = False
    deadline = started + args.timeout
    kill_threshold = int(args.recipients * args.kill_at)
    while sink.total() < kill_threshold:
        if time.monotonic() > deadline or worker.poll() is not None:
            break
        time.sleep(0.05)
    if worker.poll() is None:
        arrived = sink.total()
        rate = arrived / (time.monotonic() - started)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        killed = True
        log(f"SIGKILLed the worker at {arrived} messages ({rate:.0f} msg/s so far)")
    time.sleep(1)
    queued = ids_of_issue.filter(status=EmailDelivery.Status.QUEUED).count()
    log(f"{queued} deliveries still queued after the kill; restarting the worker")
    worker = start_worker(env, f"bench-{os.getpid()}-b")

    import redis

    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        idle_checks = 0
        while time.monotonic() < deadline:
            issue.refresh_from_db()
            left = ids_of_issue.filter(status=EmailDelivery.Status.QUEUED).count()
            total = ids_of_issue.count()
            if issue.fanned_out_at and total == args.recipients and left == 0:
                break
            # The broker would hand the dead worker's unacknowledged tasks back only after its
            # visibility timeout (an hour); the sweeper (beat, every 5 minutes, for rows queued
            # 10+ minutes) is what finds those rows. Here it runs as soon as the queue is empty
            # while rows are still queued, i.e. exactly the rows whose tasks died.
            idle_checks = idle_checks + 1 if broker.llen("celery") == 0 else 0
            if idle_checks >= 3:
                requeued = email_requeue_stuck(older_than_seconds=0, limit=20_000)
                resumed = issues_resume_stalled(stalled_after=dt.timedelta(0))
                log(f"sweeper: re-queued {requeued} stuck deliveries, resumed {resumed} fan-outs")
                idle_checks = 0
            log(f"{sink.total()} received, {left} still queued of {total} created")
            time.sleep(1)
        time.sleep(1)  # the last replies are in flight
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        controller.stop()

    ids = set(ids_of_issue.values_list("pk", flat=True))
    received = {pk: n for pk, n in sink.counts.items() if pk in ids}
    delivered = len(received)
    duplicates = sum(n - 1 for n in received.values())
    elapsed = (sink.last_at or time.monotonic()) - started
    db_sent = ids_of_issue.filter(status=EmailDelivery.Status.SENT).count()
    log(f"database: {db_sent} marked sent; sink: {sink.total()} messages, {delivered} distinct")
    connection.close()
    result = {
        "recipients": args.recipients,
        "delivered": delivered,
        "duplicates": duplicates,
        "worker_killed": killed,
        "msgs_per_s": round(delivered / elapsed, 1) if elapsed > 0 else None,
    }
    print(json.dumps(result), flush=True)
    return 0 if delivered == args.recipients and duplicates == 0 and killed else 1


if __name__ == "__main__":
    sys.exit(main())
