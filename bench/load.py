"""Load bench: a mixed workload of the three user types against gunicorn, PostgreSQL and Redis.

    python bench/load.py              # 30 s at 16 connections (the full form, by hand)
    python bench/load.py --short --fail-on-errors   # 8 s, exit 1 on any error (.ci/run)
    python bench/load.py --reuse      # keep the database the last run made (faster start)

It makes a fresh database (`cohort_bench`, or the name in BENCH_DATABASE_URL), migrates, loads
the demo, logs people in by writing their sessions, starts gunicorn (gunicorn.conf.py: 4 threaded
workers on 2 cores, connections kept alive) and
drives it with wrk (Debian's `wrk`) running a Lua script that cycles through the mix:

- practitioners browse sessions (list and detail) and register / cancel in one click;
- jurisdiction contacts log coaching work through the API and open their week grid;
- program staff open list views (applications in the admin, the coaching dashboard, sessions).

It prints the figures and ends with one JSON line:
{"requests": ..., "rps": ..., "p50_ms": ..., "p95_ms": ..., "p99_ms": ..., "errors": ...,
 "target_rps": 200, "target_p95_ms": 200, "met": true|false}
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGET_RPS = 200
TARGET_P95_MS = 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the bench database name must contain 'bench'")
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password, dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def bench_environment(database_url: str, var_dir: Path) -> dict[str, str]:
    """The environment gunicorn and the set-up commands run with."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gpl_cohort.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
        "CELERY_TASK_ALWAYS_EAGER": "true",  # no worker in the bench: email is written eagerly
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "COHORT_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }


def prepare_database(database_url: str, env: dict[str, str]) -> None:
    """A fresh database with the demo loaded and static files collected."""
    print(f"bench: database {database_url}, redis {env['REDIS_URL']}")
    recreate_database(database_url)
    manage("migrate", "-v0", env=env)
    manage("seed_demo", "--quiet-logins", "-v0", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)


def bench_database_and_people(reuse: bool) -> tuple[dict[str, str], dict]:
    """The environment and the logged-in people; `reuse` keeps what the last run made."""
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cohort_ci")
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", urlparse(base_url)._replace(path="/cohort_bench").geturl()
    )
    env = bench_environment(database_url, Path(tempfile.mkdtemp(prefix="cohort-bench-")))
    people_file = Path(tempfile.gettempdir()) / "cohort-bench-people.json"
    if reuse and people_file.exists():
        return env, json.loads(people_file.read_text())
    started = time.monotonic()
    try:
        prepare_database(database_url, env)
        people = prepare_people(env)
    except BaseException:
        shutil.rmtree(env["COHORT_VAR_DIR"], ignore_errors=True)
        raise
    people_file.write_text(json.dumps(people))
    print(f"bench: database ready in {time.monotonic() - started:.1f}s")
    return env, people


def prepare_people(env: dict[str, str]) -> dict:
    """Log people in by writing their sessions; return cookies, tokens and ids for the mix."""
    script = r"""
import json, secrets
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils.module_loading import import_string
from rest_framework.authtoken.models import Token
from gpl_cohort.accounts.models import User
from community.models import Membership, Session
from coaching.models import CoachingLog, Workstream

store = import_string(settings.SESSION_ENGINE + ".SessionStore")

def session_for(user):
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "gpl_cohort.accounts.backends.EmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key

practitioners = [
    m.user for m in Membership.objects.filter(status="approved").select_related("user")[:40]
]
contacts = list(User.objects.filter(contact_jurisdiction__isnull=False))
staff = User.objects.get(email="staff@cohort.example")
from django.utils import timezone
session = Session.objects.filter(starts_at__gte=timezone.now()).order_by("starts_at").first()
session.capacity = 1000
session.save(update_fields=["capacity"])
from community.services.sessions import registration_create
for user in practitioners[1::2]:  # those who cancel hold a registration first
    registration_create(session=session, user=user)
out = {
    "csrf": secrets.token_hex(16),
    "practitioners": [session_for(u) for u in practitioners],
    "contacts": [{"session": session_for(u), "token": Token.objects.get_or_create(user=u)[0].key}
                 for u in contacts],
    "staff": session_for(staff),
    "session_id": session.pk,
    "kind": CoachingLog.Kind.values[0],
    "workstream": Workstream.values[0],
    "session_cookie": settings.SESSION_COOKIE_NAME,
}
print("PEOPLE=" + json.dumps(out))
"""
    result = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("PEOPLE="))
    return json.loads(line[len("PEOPLE=") :])


def cpu_seconds(parent: int) -> float:
    """User + system CPU seconds of `parent` and its direct children (gunicorn and its workers).

    Workers that gunicorn recycled (max_requests) count through the master's children's
    times: at a few hundred requests/s a worker reaches its limit within the run."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        pid = int(stat.parent.name)
        if pid == parent:
            # utime, stime, and cutime, cstime: its reaped (recycled) workers'
            total += sum(int(f) for f in fields[11:15]) / ticks
        elif int(fields[1]) == parent:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def lua_string(value: str) -> str:
    return json.dumps(value)  # JSON string escapes are valid Lua string escapes for our ASCII


def build_mix(people: dict) -> list[tuple[str, str, dict[str, str], str]]:
    csrf = people["csrf"]
    cookie_name = people["session_cookie"]
    sid = people["session_id"]

    def cookies(session_key: str) -> dict[str, str]:
        return {
            "Cookie": f"{cookie_name}={session_key}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
        }

    mix: list[tuple[str, str, dict[str, str], str]] = []
    for i, key in enumerate(people["practitioners"]):
        mix.append(("GET", "/community/sessions/", cookies(key), ""))
        mix.append(("GET", f"/community/sessions/{sid}/", cookies(key), ""))
        verb = "register" if i % 2 == 0 else "cancel"
        mix.append(("POST", f"/community/sessions/{sid}/{verb}/", cookies(key), ""))
        mix.append(("GET", "/home/", cookies(key), ""))
    for contact in people["contacts"]:
        body = json.dumps(
            {
                "date": time.strftime("%Y-%m-%d"),
                "duration_minutes": 30,
                "kind": people["kind"],
                "workstream": people["workstream"],
                "notes": "Load bench entry",
            }
        )
        headers = {"Authorization": f"Token {contact['token']}", "Content-Type": "application/json"}
        for _ in range(4):
            mix.append(("POST", "/api/v1/coaching/logs/", headers, body))
        mix.append(("GET", "/coaching/week/", cookies(contact["session"]), ""))
        mix.append(("GET", "/api/v1/coaching/logs/", headers, ""))
    staff = cookies(people["staff"])
    for _ in range(6):
        mix.append(("GET", "/admin/applications/application/", staff, ""))
        mix.append(("GET", "/coaching/staff/", staff, ""))
        mix.append(("GET", "/community/staff/sessions/", staff, ""))
        mix.append(("GET", "/home/", staff, ""))
    # Interleave deterministically so each slice of time carries every kind of request.
    import random

    random.Random(2021).shuffle(mix)
    return mix


def write_lua(mix: list[tuple[str, str, dict[str, str], str]], path: Path) -> None:
    lines = ["local requests = {"]
    for method, url, headers, body in mix:
        header_table = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
        row = f"{lua_string(method)}, {lua_string(url)}, {{{header_table}}}, {lua_string(body)}"
        lines.append(f"  {{{row}}},")
    lines.append("}")
    lines.append(
        r"""
local counter = 0
setup = function(thread)
  thread:set("offset", math.random(1, #requests))
end
init = function(args)
  counter = offset or 0
end
request = function()
  counter = counter + 1
  local r = requests[(counter % #requests) + 1]
  local body = nil
  if r[4] ~= "" then body = r[4] end
  return wrk.format(r[1], r[2], r[3], body)
end
done = function(summary, latency, requests_done)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'WRKJSON={"requests": %d, "duration_s": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, '
    .. '"p99_ms": %.2f, "errors": %d, "status_errors": %d, "connect_errors": %d, '
    .. '"timeouts": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors, summary.errors.status,
    summary.errors.connect, summary.errors.timeout))
end
"""
    )
    path.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--short", action="store_true", help="8 s instead of 30 s (CI).")
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", help="gunicorn's; sync to compare")
    parser.add_argument("--reuse", action="store_true", help="keep the last run's database")
    parser.add_argument(
        "--fail-on-errors", action="store_true",
        help="exit 1 on an error status or a refused connection (CI: speed varies, errors don't)",
    )  # fmt: skip
    args = parser.parse_args()
    duration = 8 if args.short else args.duration
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")

    env, people = bench_database_and_people(args.reuse)
    var_dir = Path(env["COHORT_VAR_DIR"])

    mix = build_mix(people)
    script = var_dir / "mix.lua"
    write_lua(mix, script)
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")), "gpl_cohort.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
            "--worker-class", args.worker_class, "--threads", str(args.threads),
            "--log-level", "warning",
        ],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("bench: gunicorn did not answer /healthz within 20 s")
        # Warm up every worker (imports, connections), then measure.
        subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", "-d3s", "-s", str(script), f"http://127.0.0.1:{port}"],
            capture_output=True, check=True,
        )  # fmt: skip
        cpu_before = cpu_seconds(gunicorn.pid)
        result = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{duration}s", "--timeout", "5s",
             "-s", str(script), f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        cpu_used = cpu_seconds(gunicorn.pid) - cpu_before
        load_average = os.getloadavg()[0]
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)
    line = next(x for x in result.stdout.splitlines() if x.startswith("WRKJSON="))
    figures = json.loads(line[len("WRKJSON=") :])
    rps = figures["requests"] / figures["duration_s"]
    print(result.stdout.split("WRKJSON=")[0].rstrip())
    print(
        f"mix: {len(mix)} requests cycled (practitioners browse and register, contacts log "
        f"coaching, staff list views), {args.connections} connections, {args.workers} workers "
        f"x {args.threads} threads ({args.worker_class})"
    )
    print(f"throughput: {rps:.1f} requests/s (target {TARGET_RPS})")
    print(
        f"latency: p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms "
        f"(target < {TARGET_P95_MS}), p99 {figures['p99_ms']:.1f} ms"
    )
    cpu_ms = 1000 * cpu_used / max(figures["requests"], 1)
    print(
        f"gunicorn CPU: {cpu_ms:.1f} ms per request (its workers, whatever else the machine "
        f"runs); load average {load_average:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"errors: {figures['errors']} (HTTP status >= 400: {figures['status_errors']}, "
        f"connections refused: {figures['connect_errors']}, over 5 s: {figures['timeouts']})"
    )
    met = rps >= TARGET_RPS and figures["p95_ms"] < TARGET_P95_MS and figures["errors"] == 0
    summary = {
        "requests": figures["requests"],
        "rps": round(rps, 1),
        "p50_ms": figures["p50_ms"],
        "p95_ms": figures["p95_ms"],
        "p99_ms": figures["p99_ms"],
        "errors": figures["errors"],
        "gunicorn_cpu_ms_per_request": round(cpu_ms, 2),
        "load_average": round(load_average, 1),
        "target_rps": TARGET_RPS,
        "target_p95_ms": TARGET_P95_MS,
        "met": met,
    }
    print(json.dumps(summary))
    # A response over 5 s on a crowded CI machine is slowness, which CI does not judge; a
    # response that is an error, or a server that refuses connections, is a failure.
    failed = figures["status_errors"] + figures["connect_errors"]
    if args.fail_on_errors and failed:
        sys.exit(f"bench: {failed} requests failed (error status or connection refused)")


if __name__ == "__main__":
    main()
