"""What each part of Django's admin costs on the applications list of the load mix.

    python bench/admin_changelist.py            # fresh bench database (as load.py makes it)
    python bench/admin_changelist.py --reuse    # keep the database the last run made

The list is the heaviest request of bench/load.py's mix. This sends it through Django's WSGI
handler in one process, as staff, with one part of the admin switched off at a time: the
sidebar, the actions (menu and row checkboxes), the filters, the full result count. Variants
take turns request by request, so a slow moment of a shared machine falls on all of them
alike; it prints each variant's median CPU time and its ratio to the admin as configured.
Nothing is changed for real: each switch is undone before the next request.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # bench/load.py: the same database and people

URL = "/admin/applications/application/"


def variants() -> dict[str, Callable[[bool], None]]:
    """name -> switch(on): `on` switches the part off for the next request, `False` undoes it."""
    from django.contrib import admin

    from applications.models import Application

    model_admin = admin.site._registry[Application]
    actions, list_filter = model_admin.actions, model_admin.list_filter

    def as_configured(on: bool) -> None:
        pass

    def no_sidebar(on: bool) -> None:
        admin.site.enable_nav_sidebar = not on

    def no_actions(on: bool) -> None:
        model_admin.actions = None if on else actions

    def no_filters(on: bool) -> None:
        model_admin.list_filter = [] if on else list_filter

    def no_full_count(on: bool) -> None:
        model_admin.show_full_result_count = not on

    return {
        "as configured": as_configured,
        "without the sidebar": no_sidebar,
        "without actions": no_actions,
        "without filters": no_filters,
        "without the full count": no_full_count,
    }


def measure(people: dict, rounds: int) -> None:
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    handler = WSGIHandler()
    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    row = next(r for r in load.build_mix(people) if r.url == URL)
    headers = {k: v for k, v in row.headers.items() if k != "Content-Type"}

    def send() -> int:
        request = factory.get(URL, headers=headers)
        status: list[str] = []
        result = handler(request.environ, lambda s, h, *a: status.append(s))
        size = len(b"".join(result))
        result.close()
        if not status[0].startswith("200"):
            sys.exit(f"{URL} answered {status[0]}")
        return size

    switches = variants()
    sizes: dict[str, int] = {}
    for name, switch in switches.items():  # warm up each variant once
        switch(True)
        sizes[name] = send()
        switch(False)
    cpu: dict[str, list[float]] = {name: [] for name in switches}
    for _ in range(rounds):
        for name, switch in switches.items():
            switch(True)
            started = time.process_time()
            send()
            cpu[name].append(time.process_time() - started)
            switch(False)
    base = statistics.median(cpu["as configured"])
    print(f"{'variant':26} {'median cpu ms':>13} {'ratio':>6} {'page bytes':>10}")
    for name, times in cpu.items():
        median = statistics.median(times)
        print(f"{name:26} {1000 * median:13.2f} {median / base:6.3f} {sizes[name]:10}")
    print(json.dumps({name: round(1000 * statistics.median(t), 2) for name, t in cpu.items()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep the existing bench database")
    parser.add_argument("--rounds", type=int, default=30, help="requests per variant")
    args = parser.parse_args()
    if os.environ.get("BENCH_CHILD"):
        measure(json.loads(os.environ["BENCH_PEOPLE"]), args.rounds)
        return
    load.run_in_child(__file__, args.reuse)


if __name__ == "__main__":
    main()
