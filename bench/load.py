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
import datetime as dt
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

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


def run_in_child(script: str, reuse: bool) -> None:
    """Run `script` again (with this process's arguments) in a child that has the bench
    database's environment, BENCH_CHILD=1 and the logged-in people in BENCH_PEOPLE: how the
    in-process benches (cpu.py, admin_changelist.py) measure with Django set up for it."""
    env, people = bench_database_and_people(reuse)
    try:
        subprocess.run(
            [sys.executable, script, *sys.argv[1:]],
            env={**env, "BENCH_CHILD": "1", "BENCH_PEOPLE": json.dumps(people)},
            check=True,
            cwd=ROOT,
        )
    finally:
        shutil.rmtree(env["COHORT_VAR_DIR"], ignore_errors=True)


def prepare_people(env: dict[str, str]) -> dict:
    """Log people in by writing their sessions; return cookies, tokens and ids for the mix.

    Runs `collect_people` in a process of its own, on the bench's database and settings."""
    result = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--print-people"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in result.stdout.splitlines() if x.startswith("PEOPLE="))
    return json.loads(line[len("PEOPLE=") :])


def collect_people() -> dict:
    """The people of the mix, logged in by writing their sessions (Django must be set up).

    Each contact carries their jurisdiction's time zone: a coaching entry is dated in the
    jurisdiction's own day, which differs from the machine's (UTC) day for hours at a time."""
    import secrets

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from django.utils.module_loading import import_string
    from rest_framework.authtoken.models import Token

    from coaching.models import CoachingLog, Workstream
    from community.models import Membership, Session
    from community.services.sessions import registration_create
    from gpl_cohort.accounts.models import User

    store = import_string(settings.SESSION_ENGINE + ".SessionStore")

    def session_for(user: User) -> str:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "gpl_cohort.accounts.backends.EmailBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    practitioners = [
        m.user for m in Membership.objects.filter(status="approved").select_related("user")[:40]
    ]
    contacts = User.objects.filter(contact_jurisdiction__isnull=False).select_related(
        "contact_jurisdiction"
    )
    staff = User.objects.get(email="staff@cohort.example")
    # A community session: practitioners register for those (a webinar is for visitors).
    session = (
        Session.objects.filter(kind=Session.Kind.COMMUNITY, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
    if session is None:
        raise SystemExit("bench: the demo has no community session ahead of now to register for")
    session.capacity = 1000
    session.save(update_fields=["capacity"])
    for user in practitioners[1::2]:  # those who cancel hold a registration first
        registration_create(session=session, user=user)
    return {
        "csrf": secrets.token_hex(16),
        "practitioners": [session_for(u) for u in practitioners],
        "contacts": [
            {
                "session": session_for(u),
                "token": Token.objects.get_or_create(user=u)[0].key,
                "jurisdiction": u.contact_jurisdiction.name,
                "time_zone": u.contact_jurisdiction.time_zone,
            }
            for u in contacts
        ],
        "staff": session_for(staff),
        "session_id": session.pk,
        "kind": CoachingLog.Kind.values[0],
        "workstream": Workstream.values[0],
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }


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


@dataclass(frozen=True)
class MixRequest:
    """One request of the mix, and who sends it (named in a failure message)."""

    method: str
    url: str
    headers: dict[str, str]
    body: str
    who: str


def local_day(time_zone: str, now: dt.datetime | None = None) -> dt.date:
    """The date where a jurisdiction is: `coaching.services.local_today`'s rule, without Django.

    The service refuses an entry dated in the future *where the jurisdiction is*; from 00:00 to
    about 07:00 UTC the western jurisdictions are still on the machine's yesterday."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(time_zone)).date()


def build_mix(people: dict, *, now: dt.datetime | None = None) -> list[MixRequest]:
    csrf = people["csrf"]
    cookie_name = people["session_cookie"]
    sid = people["session_id"]

    def cookies(session_key: str) -> dict[str, str]:
        return {
            "Cookie": f"{cookie_name}={session_key}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
        }

    mix: list[MixRequest] = []
    for i, key in enumerate(people["practitioners"]):
        who = f"practitioner {i + 1}"
        mix.append(MixRequest("GET", "/community/sessions/", cookies(key), "", who))
        mix.append(MixRequest("GET", f"/community/sessions/{sid}/", cookies(key), "", who))
        verb = "register" if i % 2 == 0 else "cancel"
        mix.append(MixRequest("POST", f"/community/sessions/{sid}/{verb}/", cookies(key), "", who))
        mix.append(MixRequest("GET", "/home/", cookies(key), "", who))
    for contact in people["contacts"]:
        who = f"contact of {contact['jurisdiction']} ({contact['time_zone']})"
        body = json.dumps(
            {
                "date": local_day(contact["time_zone"], now).isoformat(),
                "duration_minutes": 30,
                "kind": people["kind"],
                "workstream": people["workstream"],
                "notes": "Load bench entry",
            }
        )
        headers = {"Authorization": f"Token {contact['token']}", "Content-Type": "application/json"}
        for _ in range(4):
            mix.append(MixRequest("POST", "/api/v1/coaching/logs/", headers, body, who))
        mix.append(MixRequest("GET", "/coaching/week/", cookies(contact["session"]), "", who))
        mix.append(MixRequest("GET", "/api/v1/coaching/logs/", headers, "", who))
    staff = cookies(people["staff"])
    for _ in range(6):
        mix.append(MixRequest("GET", "/admin/applications/application/", staff, "", "staff"))
        mix.append(MixRequest("GET", "/coaching/staff/", staff, "", "staff"))
        mix.append(MixRequest("GET", "/community/staff/sessions/", staff, "", "staff"))
        mix.append(MixRequest("GET", "/home/", staff, "", "staff"))
    # Interleave deterministically so each slice of time carries every kind of request.
    random.Random(2021).shuffle(mix)
    return mix


def distinct_requests(mix: list[MixRequest]) -> list[MixRequest]:
    """One of each request a kind of person sends: every contact (each is dated in their own
    jurisdiction's day), one practitioner registering and one cancelling, the staff pages."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for request in mix:
        role = "practitioner" if request.who.startswith("practitioner") else request.who
        key = (request.method, request.url, role)
        if key not in seen:
            seen.add(key)
            kept.append(request)
    return kept


def first_failure(
    requests: list[MixRequest], send: Callable[[MixRequest], tuple[int, str]]
) -> str | None:
    """Send each request in turn; describe the first answered with an error status, or None."""
    for request in requests:
        status, body = send(request)
        if status >= 400:
            return (
                f"{request.method} {request.url} as {request.who} answered {status}: "
                f"{' '.join(body.split())[:600]}"
            )
    return None


def send_over_http(base_url: str) -> Callable[[MixRequest], tuple[int, str]]:
    def send(request: MixRequest) -> tuple[int, str]:
        http_request = urllib.request.Request(  # noqa: S310 (our own server on loopback)
            base_url + request.url,
            data=request.body.encode() if request.method == "POST" else None,
            headers=request.headers,
            method=request.method,
        )
        try:
            with urllib.request.urlopen(http_request, timeout=10) as response:  # noqa: S310
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    return send


def write_lua(mix: list[MixRequest], path: Path) -> None:
    lines = ["local requests = {"]
    for r in mix:
        header_table = ", ".join(
            f"[{lua_string(k)}] = {lua_string(v)}" for k, v in r.headers.items()
        )
        row = (
            f"{lua_string(r.method)}, {lua_string(r.url)}, {{{header_table}}}, {lua_string(r.body)}"
        )
        lines.append(f"  {{{row}}},")
    lines.append("}")
    # Each wrk thread has a Lua state of its own: `response` keeps the thread's first error
    # answer, and `done` (in the main state) reads it through the threads kept by `setup`.
    lines.append(
        r"""
local counter = 0
local threads = {}
setup = function(thread)
  thread:set("offset", math.random(1, #requests))
  table.insert(threads, thread)
end
init = function(args)
  counter = offset or 0
  first_status = 0
  first_body = ""
end
request = function()
  counter = counter + 1
  local r = requests[(counter % #requests) + 1]
  local body = nil
  if r[4] ~= "" then body = r[4] end
  return wrk.format(r[1], r[2], r[3], body)
end
response = function(status, headers, body)
  if status >= 400 and first_status == 0 then
    first_status = status
    first_body = string.sub(body or "", 1, 600)
  end
end
local function json_string(s)
  return '"' .. string.gsub(s, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end) .. '"'
end
done = function(summary, latency, requests_done)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  local status, body = 0, ""
  for _, thread in ipairs(threads) do
    local s = thread:get("first_status")
    if s and s > 0 and status == 0 then
      status = s
      body = thread:get("first_body")
    end
  end
  io.write(string.format(
    'WRKJSON={"requests": %d, "duration_s": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, '
    .. '"p99_ms": %.2f, "errors": %d, "status_errors": %d, "connect_errors": %d, '
    .. '"timeouts": %d, "first_error_status": %d, "first_error_body": %s}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors, summary.errors.status,
    summary.errors.connect, summary.errors.timeout, status, json_string(body)))
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
    parser.add_argument("--print-people", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.print_people:  # prepare_people's own process, on the bench's settings
        import django

        sys.path.insert(0, str(ROOT))
        django.setup()
        print("PEOPLE=" + json.dumps(collect_people()))
        return
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
        line = next(x for x in result.stdout.splitlines() if x.startswith("WRKJSON="))
        figures = json.loads(line[len("WRKJSON=") :])
        failure = None
        if figures["status_errors"]:
            # wrk cannot say which request an answer belongs to: send each kind once more, in
            # turn, to name the first that fails; else report the first error wrk saw.
            failure = first_failure(
                distinct_requests(mix), send_over_http(f"http://127.0.0.1:{port}")
            ) or (
                f"an unnamed request answered {figures['first_error_status']}: "
                f"{' '.join(figures['first_error_body'].split())}"
            )
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)
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
    if failure:
        print(f"first failing request: {failure}")
    failed = figures["status_errors"] + figures["connect_errors"]
    if args.fail_on_errors and failed:
        sys.exit(
            f"bench: {failed} requests failed (error status or connection refused); "
            f"first failing request: {failure or 'none answered with an error status'}"
        )


if __name__ == "__main__":
    main()
