"""The suite passes whatever hour CI starts at: the date-sensitive tests under moved clocks.

Each test below runs the tests marked `date_sensitive` (coaching weeks and "today", session
reminders, cohort windows, MoU reminders, call-data days, the load bench's mix) in a pytest of
its own whose whole clock is moved by time-machine (`--clock`, tests/clock.py) to one hour of
the day, on the day US clocks fall back (a 25-hour Sunday closing a week) and on 31 December:

- 00:30 UTC: the US is still on the previous day (New York 19:30 or 20:30, Phoenix 17:30);
- 06:30 UTC: New York's day has begun, the western jurisdictions are still on yesterday, and
  on 1 November New York has just fallen back while Los Angeles has not;
- 12:00 UTC: every US jurisdiction is on the machine's day;
- 23:30 UTC: the whole US is on the machine's day, a few minutes before UTC's midnight, and
  on 31 December UTC's new year is half an hour away.

The load bench of .ci/run failed from 00:00 to about 07:00 UTC because it dated coaching
entries in the machine's day; these runs would have caught it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest
from defusedxml import ElementTree
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
DAYS = ("2026-11-01", "2026-12-31")  # the day US clocks fall back, new year's eve
HOURS = ("00:30", "06:30", "12:00", "23:30")


def clock_environment(hour: str) -> dict[str, str]:
    """The moved run's own database (beside this run's) and no Redis: it shares nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("REDIS_URL", None)
    if settings.DATABASE_IS_POSTGRES:
        url = urlparse(os.environ["DATABASE_URL"])
        name = f"{url.path.lstrip('/')}_clock_{hour.replace(':', '')}"
        env["DATABASE_URL"] = url._replace(path="/" + name).geturl()
    return env


def run_at(hour: str, report: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    command = [
        sys.executable, "-m", "pytest", "-m", "date_sensitive and not worker", "-q",
        "-p", "no:cacheprovider", "-o", "addopts=-p tests.clock", "--create-db",
        f"--junitxml={report}", *[f"--clock={day}T{hour}:00Z" for day in DAYS],
    ]  # fmt: skip
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        command, cwd=ROOT, env=clock_environment(hour), capture_output=True, text=True,
        timeout=900,
    )  # fmt: skip
    return result, report


@pytest.fixture(scope="module")
def moved_runs(request, tmp_path_factory) -> Iterator[dict[str, Future]]:
    """The selected hours' runs, two at a time: each is one process, and CI has two cores."""
    folder = tmp_path_factory.mktemp("moved")
    selected = [
        item.callspec.params["hour"]
        for item in request.session.items
        if getattr(item, "function", None) is test_the_date_sensitive_tests_pass_with_the_clock_at
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {
            hour: pool.submit(run_at, hour, folder / f"{hour.replace(':', '')}.xml")
            for hour in selected
        }


@pytest.mark.parametrize("hour", HOURS)
def test_the_date_sensitive_tests_pass_with_the_clock_at(hour, moved_runs):
    result, report = moved_runs[hour].result()
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"at {hour} UTC:\n{output[-15000:]}"
    # Each day ran the same tests, and they are not none (exit 5 would say so too).
    names = [case.get("name", "") for case in ElementTree.parse(report).getroot().iter("testcase")]
    per_day = {day: sum(f"clock={day}T{hour}" in name for name in names) for day in DAYS}
    assert len(set(per_day.values())) == 1, per_day
    assert per_day[DAYS[0]] >= 50, per_day
