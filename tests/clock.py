"""Moved clocks: run tests as if the machine's clock read another day and hour.

    pytest tests/coaching --clock 2026-03-08T06:30Z --clock 2026-12-31T23:30Z

runs every selected test once per clock, the whole process's clock moved there by
time-machine (ticking on from it), so that `timezone.now()`, `datetime.now()` and
`time.time()` all read the moved clock; the live server of the browser tests runs in this
process too. "Today" is a jurisdiction's day, or a clock a test sets: never the machine's.
`tests/test_any_hour.py` runs the date-sensitive tests this way at the hours where UTC and
the jurisdictions' days differ, so the suite does not depend on the hour CI starts at.

A test that moves the clock itself (`time_machine.travel`) still does: travels nest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine


def parse_clock(value: str) -> dt.datetime:
    """An ISO date and time with its offset ("Z" for UTC); a clock without one is refused."""
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise pytest.UsageError(f"--clock {value}: give the offset, e.g. {value}Z for UTC")
    return moment


# The tests whose answers depend on the day or the hour: "today" and weeks of coaching, due
# dates, session reminders and registration windows, cohort application windows, MoU
# reminders and dated letters, the home pages, the demo seeded around today, and the load
# bench's mix. They carry the `date_sensitive` mark; tests/test_any_hour.py runs them under
# moved clocks. A new test of that kind belongs in one of these files, or in this list.
DATE_SENSITIVE = (
    "tests/coaching/",
    "tests/community/test_reminders.py",
    "tests/community/test_sessions.py",
    "tests/community/test_tasks.py",
    "tests/community/test_newsletter.py",
    "tests/community/test_session_pages.py",
    "tests/applications/test_workflow.py",
    "tests/jurisdictions/test_services.py",
    "tests/test_home.py",
    "tests/test_load_mix.py",
    "tests/test_seed_demo.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.relative_to(config.rootpath).as_posix()
        if path.startswith(DATE_SENSITIVE):
            item.add_marker(pytest.mark.date_sensitive)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        action="append",
        default=[],
        metavar="ISO",
        help="run each test with the clock moved to this moment (repeatable: once per clock)",
    )


def pytest_report_header(config: pytest.Config) -> str | None:
    clocks = config.getoption("clock")
    if not clocks:
        return None
    return "cohort: clock moved to " + ", ".join(clocks) + " (each test runs once per clock)"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    clocks = metafunc.config.getoption("clock")
    if clocks and "moved_clock" in metafunc.fixturenames:
        moments = [parse_clock(value) for value in clocks]
        metafunc.parametrize(
            "moved_clock",
            moments,
            indirect=True,
            ids=[f"clock={m:%Y-%m-%dT%H:%M%z}" for m in moments],
            scope="function",
        )


@pytest.fixture(autouse=True)
def moved_clock(request: pytest.FixtureRequest) -> Iterator[dt.datetime | None]:
    """The moment this test's clock was moved to, or None where the clock is the machine's.

    Autouse so that it starts before the test's own fixtures build their rows."""
    moment = getattr(request, "param", None)
    if moment is None:
        yield None
        return
    with time_machine.travel(moment, tick=True):
        yield moment
