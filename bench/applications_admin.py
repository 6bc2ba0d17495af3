"""The applications admin list and its CSV export at size: N applications, 3N reviews.

    DATABASE_URL=sqlite:////tmp/cohort_applications_bench.sqlite3 \\
        .venv/bin/python bench/applications_admin.py [--applications 2000]

Migrates the bench database, replaces the bench cohort's data (bulk_create), then, as a staff
user through Django's test client, times the changelist (default order, sorted by mean score,
filtered and searched) and the streamed CSV export (first chunk and whole file), counting SQL
queries. Prints one JSON line. Use a throwaway database: it deletes the bench cohort's rows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gpl_cohort.settings")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=2000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from applications.models import Application, Review, ReviewScore
    from applications.services import criteria_seed
    from cohorts.models import Cohort
    from gpl_cohort.accounts.models import User
    from jurisdictions.models import Jurisdiction

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False  # no query log while seeding: it would fill and skew the counts
    call_command("migrate", verbosity=0)
    Application.objects.filter(cohort__slug="bench").delete()
    Jurisdiction.objects.filter(name__startswith="Bench town ").delete()
    now = timezone.now()
    cohort, _ = Cohort.objects.get_or_create(
        slug="bench",
        defaults={
            "name": "Bench Cohort", "opens_at": now, "closes_at": now + timezone.timedelta(days=9),
            "starts_on": now.date(),
        },
    )  # fmt: skip
    criteria = criteria_seed(cohort=cohort)
    reviewers = []
    for i in range(3):
        user, _ = User.objects.get_or_create(
            email=f"bench-reviewer{i}@bench.example",
            defaults={"full_name": f"Bench reviewer {i}", "is_staff": True, "is_superuser": True},
        )
        reviewers.append(user)
    jurisdictions = Jurisdiction.objects.bulk_create(
        Jurisdiction(name=f"Bench town {i}", kind="city", state="NC", population=1000 + i)
        for i in range(args.applications)
    )
    applications = Application.objects.bulk_create(
        Application(cohort=cohort, jurisdiction=j, status="round1_review", stage="planning")
        for j in jurisdictions
    )
    reviews = Review.objects.bulk_create(
        Review(application=a, reviewer=r, submitted_at=now) for a in applications for r in reviewers
    )
    ReviewScore.objects.bulk_create(
        ReviewScore(review=rv, criterion=c, score=1 + (rv.pk + c.pk) % 5)
        for rv in reviews
        for c in criteria
    )
    client = Client()
    client.force_login(reviewers[0])
    result: dict[str, object] = {"applications": len(applications), "reviews": len(reviews)}
    pages = {
        "changelist": "/admin/applications/application/",
        "by_mean_score": f"/admin/applications/application/?cohort__id__exact={cohort.pk}&o=-5",
        "filtered_search": "/admin/applications/application/?q=Bench+town+1&launch=unknown",
        "changelist_warm": "/admin/applications/application/",
    }
    for label, url in pages.items():
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (label, response.status_code)
        result[label] = {"ms": round(elapsed * 1000), "queries": len(queries.captured_queries)}
    started = time.perf_counter()
    response = client.get(
        f"/admin/applications/application/export.csv?cohort__id__exact={cohort.pk}"
    )
    chunks = iter(response.streaming_content)
    first = next(chunks)
    first_ms = (time.perf_counter() - started) * 1000
    rows = first.count(b"\n") + sum(chunk.count(b"\n") for chunk in chunks)
    result["csv"] = {
        "streaming": response.streaming,
        "first_chunk_ms": round(first_ms),
        "total_ms": round((time.perf_counter() - started) * 1000),
        "rows": rows - 1,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
