"""Scenario results are computed by the import task (and queued by a change that clears
them), never by a page: a GET reads the stored results, or says they are being computed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calldata import services
from calldata.engine.fields import CATEGORIES
from calldata.models import CallTypeMapping, Scenario
from calldata.tasks import compute_scenarios

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _pages(scenario: Scenario) -> list[str]:
    jurisdiction_id = scenario.jurisdiction_id
    return [
        reverse("calldata:scenarios", args=[jurisdiction_id]),
        reverse("calldata:scenario", args=[scenario.pk]),
        reverse("calldata:scenario_brief", args=[scenario.pk]),
        reverse("calldata:scenarios_csv", args=[jurisdiction_id]),
        f"/api/v1/calldata/scenarios/{scenario.pk}/results/",
    ]


@pytest.fixture
def scenario(imported_a, contact_a) -> Scenario:
    return services.scenario_from_preset(
        jurisdiction=imported_a.jurisdiction, user=contact_a, key="denver-star"
    )


def test_the_scenario_pages_write_nothing(scenario, contact_a_client):
    assert scenario.results["eligible_calls"] >= 0
    for url in _pages(scenario):
        with CaptureQueriesContext(connection) as queries:
            assert contact_a_client.get(url).status_code == 200, url
        writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
        assert writes == [], url


def test_results_cleared_by_a_change_are_shown_as_being_computed_and_queued(
    scenario, contact_a_client, django_capture_on_commit_callbacks
):
    Scenario.objects.update(results={})
    for url in _pages(scenario):
        with CaptureQueriesContext(connection) as queries:
            response = contact_a_client.get(url)
        assert not [q for q in queries if q["sql"].lstrip().upper().startswith(WRITES)], url
        if url.endswith("/results/"):
            assert response.status_code == 202
        elif not url.endswith(".csv"):
            assert "Results are being computed" in response.content.decode(), url
    assert Scenario.objects.get().results == {}  # the page only queued the computation
    with django_capture_on_commit_callbacks(execute=True):
        contact_a_client.get(reverse("calldata:scenarios", args=[scenario.jurisdiction_id]))
    assert Scenario.objects.get().results == scenario.results  # computed by the queued task
    page = contact_a_client.get(reverse("calldata:scenarios", args=[scenario.jurisdiction_id]))
    assert "Results are being computed" not in page.content.decode()


def test_confirming_the_taxonomy_recomputes_the_results_in_the_background(
    scenario, contact_a, django_capture_on_commit_callbacks
):
    mapping = CallTypeMapping.objects.filter(jurisdiction_id=scenario.jurisdiction_id).first()
    with django_capture_on_commit_callbacks() as queued:
        services.taxonomy_confirm(
            jurisdiction_id=scenario.jurisdiction_id,
            categories={mapping.call_type: "welfare_check"},
            user=contact_a,
        )
    assert Scenario.objects.get().results == {} and len(queued) == 1
    queued[0]()
    assert Scenario.objects.get().results["dataset"]["id"] == scenario.dataset_id


def test_the_compute_task_is_safe_to_run_twice(scenario):
    Scenario.objects.update(results={})
    assert compute_scenarios.delay(scenario.jurisdiction_id).get() == 1
    assert compute_scenarios.delay(scenario.jurisdiction_id).get() == 0
    assert Scenario.objects.get().results == scenario.results


def _change_criteria_while_computing(monkeypatch, scenario: Scenario, change) -> None:
    """Run `change` inside the engine's evaluation, as a save landing mid-computation would."""
    evaluate = services.analysis.scenario_engine.evaluate

    def evaluate_then_change(calls, criteria):
        results = evaluate(calls, criteria)
        change()
        return results

    monkeypatch.setattr(services.analysis.scenario_engine, "evaluate", evaluate_then_change)


def test_a_computation_overtaken_by_a_change_of_criteria_stores_nothing(
    scenario, contact_a, monkeypatch, django_capture_on_commit_callbacks
):
    Scenario.objects.clear_results()
    stale = Scenario.objects.get()
    newer_criteria = {  # every category, nothing excluded: more calls are eligible
        "categories": list(CATEGORIES), "exclude_weapon": False,
        "exclude_violence": False, "exclude_cancelled": False,
    }  # fmt: skip

    def save_newer_criteria():
        monkeypatch.undo()  # the save computes its own results with the real engine
        services.scenario_save(
            jurisdiction=scenario.jurisdiction, user=contact_a, name=scenario.name,
            criteria=newer_criteria, scenario=Scenario.objects.get(),
        )  # fmt: skip

    _change_criteria_while_computing(monkeypatch, stale, save_newer_criteria)
    services.scenario_results(scenario=stale)

    stored = Scenario.objects.get()
    assert stored.criteria["categories"] == list(CATEGORIES)
    assert stale.results == {}  # the overtaken computation kept nothing
    assert stored.results != scenario.results  # the two criteria give different results...
    newer_results = stored.results
    Scenario.objects.clear_results()
    services.scenarios_compute(jurisdiction_id=scenario.jurisdiction_id)
    assert Scenario.objects.get().results == newer_results  # ...and the newer ones are kept


def test_a_computation_overtaken_by_a_taxonomy_change_leaves_the_results_to_the_next(
    scenario, contact_a, monkeypatch, django_capture_on_commit_callbacks
):
    Scenario.objects.clear_results()
    stale = Scenario.objects.get()
    mapping = CallTypeMapping.objects.filter(jurisdiction_id=scenario.jurisdiction_id).first()
    queued = []

    def confirm_taxonomy():
        with django_capture_on_commit_callbacks() as callbacks:
            services.taxonomy_confirm(
                jurisdiction_id=scenario.jurisdiction_id,
                categories={mapping.call_type: "welfare_check"},
                user=contact_a,
            )
        queued.extend(callbacks)

    _change_criteria_while_computing(monkeypatch, stale, confirm_taxonomy)
    assert services.scenarios_compute(jurisdiction_id=scenario.jurisdiction_id) == 1
    monkeypatch.undo()
    assert Scenario.objects.get().results == {}  # out of date: not stored
    assert len(queued) == 1
    queued[0]()  # the computation the change queued stores the current results
    assert Scenario.objects.get().results["dataset"]["id"] == scenario.dataset_id


def test_clearing_results_raises_the_version(scenario):
    before = Scenario.objects.get().results_version
    assert Scenario.objects.clear_results() == 1
    assert Scenario.objects.get().results_version == before + 1
