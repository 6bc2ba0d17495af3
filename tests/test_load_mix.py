"""The load bench's mix (bench/load.py) answered without an error, whatever the hour.

CI runs the bench before the tests and fails on any error answer; these tests send each kind
of request of the mix through Django's test client instead of gunicorn, so that
tests/test_any_hour.py can run them under moved clocks.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from bench.load import (
    MixRequest,
    build_mix,
    collect_people,
    distinct_requests,
    first_failure,
    local_day,
)
from jurisdictions.dates import local_today
from jurisdictions.models import Jurisdiction

pytestmark = pytest.mark.django_db


def send_through(client: Client):
    def send(request: MixRequest) -> tuple[int, str]:
        headers = {k: v for k, v in request.headers.items() if k != "Content-Type"}
        response = client.generic(
            request.method,
            request.url,
            data=request.body,
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
            headers=headers,
        )
        return response.status_code, response.content.decode(errors="replace")

    return send


@pytest.fixture
def people() -> dict:
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    return collect_people()


def test_every_kind_of_request_of_the_load_bench_mix_is_answered_without_an_error(people):
    mix = build_mix(people)
    for request in mix:  # each contact's entries are dated in their jurisdiction's day
        if request.method == "POST" and request.url == "/api/v1/coaching/logs/":
            name = request.who.removeprefix("contact of ").split(" (")[0]
            jurisdiction = Jurisdiction.objects.get(name=name)
            assert json.loads(request.body)["date"] == local_today(jurisdiction).isoformat()
    requests = distinct_requests(mix)
    assert {r.url for r in requests} >= {"/api/v1/coaching/logs/", "/coaching/week/", "/home/"}
    coaching_posts = [r for r in requests if r.method == "POST" and "coaching" in r.url]
    assert len(coaching_posts) == len(people["contacts"]) > 0
    assert first_failure(requests, send_through(Client())) is None


def test_at_0530_utc_a_western_jurisdiction_is_still_on_yesterday():
    # The hour CI failed at: Phoenix's entries dated the machine's day were "in the future".
    with time_machine.travel(dt.datetime(2026, 12, 3, 5, 30, tzinfo=dt.UTC), tick=False):
        assert local_day("America/Phoenix") == dt.date(2026, 12, 2)
        assert local_day("America/New_York") == dt.date(2026, 12, 3)
        assert local_day("UTC") == dt.date(2026, 12, 3)


def test_the_first_failure_names_the_request_its_sender_status_and_body():
    requests = [
        MixRequest("GET", "/home/", {}, "", "staff"),
        MixRequest("POST", "/api/v1/coaching/logs/", {}, "{}", "contact of Phoenix"),
        MixRequest("GET", "/never/", {}, "", "staff"),
    ]
    answers = {"/home/": (200, "ok"), "/api/v1/coaching/logs/": (400, '{"date":\n ["future"]}')}
    failure = first_failure(requests, lambda r: answers.get(r.url, (404, "not found")))
    assert failure == (
        'POST /api/v1/coaching/logs/ as contact of Phoenix answered 400: {"date": ["future"]}'
    )
    assert first_failure(requests[:1], lambda r: (200, "")) is None
