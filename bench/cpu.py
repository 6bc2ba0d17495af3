"""CPU time and SQL queries per request type of the load mix, measured in one process.

    python bench/cpu.py               # fresh bench database (as load.py makes it), 40 rounds
    python bench/cpu.py --reuse       # keep the database the last run made
    python bench/cpu.py --profile "/community/sessions/"   # cProfile (CPU time) of one URL
    BENCH_DUMP=/tmp/mix.prof python bench/cpu.py --profile all   # also save it for pstats

The wall-clock figures of load.py move with whatever else runs on the machine; the CPU time one
request costs in the Django process does not, so this is the figure to watch while making pages
cheaper. Each request of bench/load.py's mix goes through Django's WSGI handler (every
middleware, the real session and cache backends) the way gunicorn would call it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # bench/load.py: the same database, people and mix

ROOT = load.ROOT


def kind_of(method: str, url: str) -> str:
    """Group URLs that differ only by ids: /community/sessions/12/ -> /community/sessions/<id>/."""
    path = re.sub(r"/\d+/", "/<id>/", url)
    return f"{method} {path}"


def measure(people: dict, rounds: int, profile: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection, reset_queries
    from django.test import RequestFactory

    handler = WSGIHandler()
    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    mix = load.build_mix(people)

    def call(method: str, url: str, headers: dict[str, str], body: str) -> int:
        extra = {k: v for k, v in headers.items() if k != "Content-Type"}
        request = factory.generic(
            method, url, data=body.encode(), content_type=headers.get("Content-Type", ""),
            headers=extra,
        )  # fmt: skip
        status: list[int] = []
        result = handler(request.environ, lambda s, h, *a: status.append(int(s.split()[0])))
        b"".join(result)
        result.close()
        return status[0]

    def send(row: load.MixRequest) -> int:
        return call(row.method, row.url, row.headers, row.body)

    for row in mix:  # warm up: imports, connections, template caches
        send(row)
    if profile:
        import cProfile
        import pstats

        rows = [row for row in mix if profile in ("all", row.url)]
        if not rows:
            sys.exit(f"no {profile} in the mix")
        # CPU time, so waits on the database do not count.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(rounds):
            for row in rows:
                send(row)
        profiler.disable()
        if os.environ.get("BENCH_DUMP"):
            profiler.dump_stats(os.environ["BENCH_DUMP"])
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(os.environ.get("BENCH_FILTER", ""), 60)
        stats.sort_stats("tottime").print_stats(30)
        return

    cpu: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    queries: dict[str, int] = defaultdict(int)
    statuses: dict[str, set[int]] = defaultdict(set)
    connection.force_debug_cursor = True
    for _ in range(rounds):
        for row in mix:
            kind = kind_of(row.method, row.url)
            reset_queries()
            started = time.process_time()
            statuses[kind].add(send(row))
            cpu[kind] += time.process_time() - started
            count[kind] += 1
            queries[kind] += len(connection.queries)
    total_cpu = sum(cpu.values())
    total = sum(count.values())
    print(f"{'request':48} {'share':>6} {'cpu ms':>7} {'queries':>7}  status")
    for kind in sorted(cpu, key=lambda k: -cpu[k] / count[k]):
        print(
            f"{kind:48} {count[kind] / total:6.1%} {1000 * cpu[kind] / count[kind]:7.2f} "
            f"{queries[kind] / count[kind]:7.1f}  {sorted(statuses[kind])}"
        )
    mean = 1000 * total_cpu / total
    print(f"mix: {total} requests, mean {mean:.2f} ms of Django CPU per request")
    print(json.dumps({"requests": total, "cpu_ms_per_request": round(mean, 2)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep the existing bench database")
    parser.add_argument("--rounds", type=int, default=10, help="times the mix is cycled")
    parser.add_argument("--profile", help="URL of the mix to profile with pyinstrument")
    args = parser.parse_args()
    if os.environ.get("BENCH_CHILD"):
        measure(json.loads(os.environ["BENCH_PEOPLE"]), args.rounds, args.profile)
        return
    load.run_in_child(__file__, args.reuse)


if __name__ == "__main__":
    main()
