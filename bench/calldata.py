"""Benchmark of the 911 call-data import and analysis (issue 6).

    .venv/bin/python bench/calldata.py [--rows 1000000] [--regenerate] [--repeat 3]

1. Generates a realistic synthetic CAD export (bench/out/cad-<rows>.csv, ~150 MB for 1M rows):
   US-style local timestamps across both daylight-saving changes, ~140 call types with urgency
   and weapon markers inside the codes, VOID/TEST rows, several records for some incidents,
   missing and placeholder coordinates, officer- and public-initiated calls.
2. Import (parse, map, normalise, classify, write Parquet + summary) in a subprocess, whose
   peak RSS is its own (VmHWM).
3. DuckDB read_csv_auto + a group-by on the same file, in the same run. DuckDB and the import
   take turns three times (`--repeat`); the best time of each gives the ratio, the highest peak
   RSS is reported.
4. A new eligibility scenario computed in a fresh process (nothing in memory: the compact
   scenario table is memory-mapped), then the next one.
5. The volume page served from the stored summary by the Django test client (SQLite in bench/out).
Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

CALL_TYPES = [
    ("TRAFFIC STOP", 9.0),
    ("WELFARE CHECK", 6.0),
    ("SUSPICIOUS PERSON", 5.0),
    ("DISTURBANCE", 5.0),
    ("ALARM BURGLARY", 4.5),
    ("NOISE COMPLAINT", 4.0),
    ("MENTAL CASE", 2.5),
    ("MENTAL CASE-VIOLENT OR URGENT", 0.8),
    ("SUICIDAL SUBJECT", 0.8),
    ("INTOXICATED PERSON", 2.0),
    ("OVERDOSE", 0.9),
    ("TRESPASS", 3.0),
    ("LOITERING", 1.2),
    ("HOMELESS CAMP", 0.8),
    ("PANHANDLING", 0.6),
    ("THEFT", 4.0),
    ("SHOPLIFTING", 2.0),
    ("BURGLARY RESIDENTIAL", 1.2),
    ("VANDALISM", 1.5),
    ("STOLEN VEHICLE", 1.0),
    ("ASSAULT", 1.5),
    ("ASSAULT W/WEAPON", 0.4),
    ("DOMESTIC DISTURBANCE", 2.0),
    ("DOMESTIC-VIOLENT", 0.6),
    ("FIGHT IN PROGRESS", 0.6),
    ("SHOTS FIRED", 0.4),
    ("ROBBERY", 0.4),
    ("TRAFFIC ACCIDENT", 2.5),
    ("TRAFFIC ACCIDENT W/INJURY", 0.7),
    ("HIT AND RUN", 0.8),
    ("RECKLESS DRIVER", 1.0),
    ("PARKING COMPLAINT", 2.0),
    ("MEDICAL ASSIST", 2.0),
    ("UNCONSCIOUS PERSON", 0.4),
    ("FIRE ALARM", 0.6),
    ("911 HANG UP", 3.5),
    ("FOLLOW UP", 3.0),
    ("ASSIST OTHER AGENCY", 2.0),
    ("WARRANT SERVICE", 1.0),
    ("MISSING PERSON", 0.5),
    ("RUNAWAY JUVENILE", 0.4),
    ("ANIMAL COMPLAINT", 1.2),
    ("CIVIL DISPUTE", 1.0),
    ("HARASSMENT", 1.0),
    ("FRAUD", 0.8),
    ("VOID", 0.3),
    ("TEST CALL", 0.1),
]
# Pad to a realistic number of distinct codes with rarer agency-specific ones.
CALL_TYPES += [(f"LOCAL CODE {i:03d}", 0.05) for i in range(95)]
SOURCES = [
    ("911", 0.45),
    ("PHONE", 0.25),
    ("SELF-INITIATED", 0.22),
    ("ALARM CO", 0.05),
    ("WALK-IN", 0.03),
]
DISPOSITIONS = [
    "ADVISED",
    "REPORT TAKEN",
    "GONE ON ARRIVAL",
    "UNFOUNDED",
    "ARREST",
    "CITATION",
    "REFERRED",
    "CANCELLED",
    "ASSISTED",
    "NO ACTION",
]
UNIT_TYPES = ["PATROL", "PATROL", "PATROL", "PATROL", "EMS MEDIC", "FIRE ENGINE", "K9"]


def generate(path: Path, rows: int, seed: int = 6) -> None:
    rng = np.random.default_rng(seed)
    names = np.array([n for n, _ in CALL_TYPES])
    weights = np.array([w for _, w in CALL_TYPES])
    types = names[rng.choice(len(names), rows, p=weights / weights.sum())]
    # Calls over one year, more by day than at night (local wall time, America/Chicago).
    day = rng.integers(0, 365, rows)
    hourly = np.array(
        [
            2,
            1.5,
            1.2,
            1,
            1,
            1.2,
            2,
            3,
            4,
            4.5,
            5,
            5.2,
            5.3,
            5.3,
            5.2,
            5.4,
            5.6,
            5.6,
            5.2,
            4.8,
            4.3,
            3.8,
            3.2,
            2.6,
        ]
    )
    hour = rng.choice(24, rows, p=hourly / hourly.sum())
    seconds = day * 86400 + hour * 3600 + rng.integers(0, 3600, rows)
    received = np.datetime64("2024-01-01T00:00:00") + seconds.astype("timedelta64[s]")
    order = np.argsort(received, kind="stable")
    received, types = received[order], types[order]
    dispatch = received + rng.gamma(2.0, 90, rows).astype("timedelta64[s]")
    arrive = dispatch + rng.gamma(2.0, 200, rows).astype("timedelta64[s]")
    clear = arrive + rng.gamma(1.6, 900, rows).astype("timedelta64[s]")
    ids = np.char.add("24-", np.char.zfill(np.arange(1, rows + 1).astype(str), 7))
    # ~2% of incidents come as a second record (another unit) with the same id.
    dup = rng.random(rows) < 0.02
    ids[1:][dup[1:]] = ids[:-1][dup[1:]]
    no_dispatch = rng.random(rows) < 0.03

    def fmt(values: np.ndarray, blank: np.ndarray | None = None) -> pa.Array:
        array = pa.array(values.astype("datetime64[s]"), type=pa.timestamp("s"))
        text = pa.compute.strftime(array, format="%m/%d/%Y %H:%M:%S")
        if blank is not None:
            text = pa.compute.if_else(pa.array(blank), pa.scalar("", pa.string()), text)
        return text

    lat = 41.88 + rng.normal(0, 0.05, rows)
    lon = -87.63 + rng.normal(0, 0.05, rows)
    placeholder = rng.random(rows) < 0.01
    lat[placeholder], lon[placeholder] = 0.0, 0.0
    missing_xy = rng.random(rows) < 0.04
    lat_text = np.char.mod("%.5f", lat)
    lon_text = np.char.mod("%.5f", lon)
    lat_text[missing_xy] = ""
    lon_text[missing_xy] = ""
    source_names = np.array([s for s, _ in SOURCES])
    source_p = np.array([p for _, p in SOURCES])
    table = pa.table(
        {
            "Incident Number": ids,
            "Nature Code": types,
            "Priority": rng.choice(["1", "2", "3", "4", "5"], rows, p=[0.08, 0.25, 0.37, 0.2, 0.1]),
            "Call Received": fmt(received),
            "Dispatch Time": fmt(dispatch, no_dispatch),
            "Arrival Time": fmt(arrive, no_dispatch),
            "Clear Time": fmt(clear),
            "Disposition": np.array(DISPOSITIONS)[rng.integers(0, len(DISPOSITIONS), rows)],
            "Beat": np.char.add("B", rng.integers(1, 60, rows).astype(str)),
            "Latitude": lat_text,
            "Longitude": lon_text,
            "Units": rng.choice(["1", "1", "1", "2", "2", "3"], rows),
            "Unit Type": np.array(UNIT_TYPES)[rng.integers(0, len(UNIT_TYPES), rows)],
            "Call Source": source_names[rng.choice(len(source_names), rows, p=source_p)],
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))


IMPORT_SCRIPT = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
started = time.perf_counter()
from calldata.engine.mapping import propose_mapping
from calldata.engine.pipeline import run_import
from calldata.engine.reading import open_source, preview
from calldata.engine.taxonomy import Classifier
path, out = Path(sys.argv[2]), Path(sys.argv[3])
t0 = time.perf_counter()
before = resource.getrusage(resource.RUSAGE_SELF)
info = open_source(path, work_dir=out / "work")
mapping = propose_mapping(info.headers, preview(info))
result = run_import(path, mapping=mapping, tz="America/Chicago", out_dir=out / "parquet",
                    work_dir=out / "work")
categories = Classifier().classify(list(result.call_types))
seconds = time.perf_counter() - t0
(out / "summary.json").write_text(json.dumps({"summary": result.summary, "report": result.report,
                                              "categories": categories}))
usage = resource.getrusage(resource.RUSAGE_SELF)
# VmHWM: this process's own peak. ru_maxrss would start from the bench's size at the fork
# (Linux keeps it across exec), which is large right after generating the CSV.
peak = usage.ru_maxrss / 1024
status = Path("/proc/self/status")
if status.exists():
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
print(json.dumps({"import_s": seconds, "peak_rss_mb": peak, "rows": result.rows,
                  "kept": result.summary["calls"],
                  "cpu_s": usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime}))
"""


def measure_import(csv_path: Path, work: Path) -> dict:
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    output = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT, str(ROOT), str(csv_path), str(work)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def _cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_duckdb(csv_path: Path) -> tuple[float, float]:
    import duckdb

    cpu = _cpu()
    started = time.perf_counter()
    con = duckdb.connect()
    # The file's dates are US month/day; DuckDB's sniffer guesses day/month from its sample.
    query = "CREATE TABLE calls AS SELECT * FROM read_csv_auto(?, timestampformat=?)"
    con.execute(query, [str(csv_path), "%m/%d/%Y %H:%M:%S"])
    con.execute('SELECT "Nature Code", count(*) FROM calls GROUP BY 1').fetchall()
    con.close()
    return time.perf_counter() - started, _cpu() - cpu


SCENARIO_SCRIPT = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from calldata.engine.scenario import Calls, evaluate
from calldata.engine.scenario_table import FILENAME, ScenarioTable
parquet, categories = Path(sys.argv[2]), json.loads(Path(sys.argv[3]).read_text())["categories"]
criteria = json.loads(sys.argv[4])
# A fresh process: nothing of the dataset in memory (the app imports these modules at start).
started = time.perf_counter()
calls = Calls(table=ScenarioTable.read(parquet / FILENAME), categories=categories)
result = evaluate(calls, criteria)
cold = time.perf_counter() - started
started = time.perf_counter()
evaluate(calls, {**criteria, "hours_from": 8, "answer_within_min": 10})
warm = time.perf_counter() - started
print(json.dumps({"cold": cold, "warm": warm, "eligible": result["eligible_calls"]}))
"""


def measure_scenario(parquet: Path, summary_json: Path) -> tuple[float, float]:
    """A new eligibility scenario, the first one in a new process (cold) and the next one."""
    criteria = {
        "categories": ["behavioral_health", "welfare_check", "substance_use", "homelessness_qol"],
        "exclude_priority_at_or_above": 1,
        "exclude_keywords": ["WEAPON"],
        "hours_from": 7,
        "hours_to": 23,
        "exclude_officer_initiated": True,
    }
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            SCENARIO_SCRIPT,
            str(ROOT),
            str(parquet),
            str(summary_json),
            json.dumps(criteria),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(output.stdout.strip().splitlines()[-1])
    return figures["cold"], figures["warm"]


def measure_page(summary: dict, report: dict) -> float:
    os.environ["DATABASE_URL"] = f"sqlite:///{OUT / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gpl_cohort.settings")
    (OUT / "bench.sqlite3").unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from calldata.models import Dataset
    from gpl_cohort.accounts.models import User
    from jurisdictions.models import Jurisdiction

    jurisdiction = Jurisdiction.objects.create(
        name="Bench City", state="IL", kind="city", time_zone="America/Chicago"
    )
    user = User.objects.create_user(email="bench@example.org", password="bench-only", is_staff=True)  # noqa: S106
    dataset = Dataset.objects.create(
        jurisdiction=jurisdiction,
        uploaded_by=user,
        file="calldata/uploads/bench.csv",
        original_name="bench.csv",
        status=Dataset.Status.DONE,
        summary=summary,
        report=report,
        rows_kept=summary["calls"],
    )
    client = Client()
    client.force_login(user)
    url = f"/calldata/datasets/{dataset.pk}/volume/"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    return float(np.median(timings) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, the best kept")
    args = parser.parse_args()
    csv_path = OUT / f"cad-{args.rows}.csv"
    if args.regenerate or not csv_path.exists():
        started = time.perf_counter()
        generate(csv_path, args.rows)
        print(
            f"generated {csv_path.name}: {csv_path.stat().st_size / 1e6:.0f} MB "
            f"in {time.perf_counter() - started:.1f} s"
        )
    size_mb = csv_path.stat().st_size / 1e6
    print(f"file: {csv_path} ({size_mb:.0f} MB, {args.rows} rows)")
    # The machine may be shared: the figures are read against its load.
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    # DuckDB and the import take turns, `--repeat` times each: the best of each is compared,
    # so that a moment of load on a shared machine does not decide the ratio.
    work = OUT / "import"
    duckdb_runs, import_runs = [], []
    for run in range(args.repeat):
        duckdb_s, duckdb_cpu = measure_duckdb(csv_path)
        duckdb_runs.append(duckdb_s)
        print(
            f"run {run + 1}: duckdb read_csv_auto + group-by: {duckdb_s:.2f} s "
            f"({duckdb_cpu:.1f} s of CPU)"
        )
        imported = measure_import(csv_path, work)
        import_runs.append(imported)
        print(
            f"run {run + 1}: import (parse, map, normalise, classify, Parquet + summary): "
            f"{imported['import_s']:.2f} s ({imported['cpu_s']:.1f} s of CPU), "
            f"{imported['kept']} calls kept, peak RSS {imported['peak_rss_mb']:.0f} MB"
        )
    duckdb_s = min(duckdb_runs)
    imported = {
        **min(import_runs, key=lambda r: r["import_s"]),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in import_runs),
    }
    print(f"duckdb, best of {args.repeat}: {duckdb_s:.2f} s")
    print(f"import, best of {args.repeat}: {imported['import_s']:.2f} s")
    print(f"import peak RSS (highest of the runs): {imported['peak_rss_mb']:.0f} MB")
    ratio = imported["import_s"] / duckdb_s
    print(f"ratio import / duckdb: {ratio:.2f}")
    stored = json.loads((work / "summary.json").read_text())
    cold, warm = measure_scenario(work / "parquet", work / "summary.json")
    print(
        f"new scenario recomputed: {cold:.3f} s as the first one in a fresh process "
        f"(compact table memory-mapped); {warm:.3f} s for the next one"
    )
    page_ms = measure_page(stored["summary"], stored["report"])
    print(f"volume page from the stored summary: {page_ms:.1f} ms (median of 20)")
    print("load average at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(
        json.dumps(
            {
                "rows": imported["rows"],
                "import_s": round(imported["import_s"], 2),
                "duckdb_s": round(duckdb_s, 2),
                "ratio": round(ratio, 2),
                "scenario_s": round(cold, 3),
                "page_ms": round(page_ms, 1),
                "peak_rss_mb": round(imported["peak_rss_mb"], 0),
            }
        )
    )


if __name__ == "__main__":
    main()
