"""Services beyond the import journey: dictionary extensions, scenarios following new data."""

from __future__ import annotations

import pandas as pd
import pytest

from calldata import selectors, services
from calldata.engine.scenario import Calls, evaluate
from calldata.models import CallTypeMapping, DictionaryEntry
from tests.calldata import files
from tests.calldata.conftest import upload

pytestmark = pytest.mark.django_db


def _import(user, jurisdiction, content, callbacks):
    dataset = services.dataset_upload(
        user=user, jurisdiction=jurisdiction, upload=upload("calls.csv", content)
    )
    with callbacks(execute=True):
        services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=user)
    dataset.refresh_from_db()
    return dataset


def test_a_staff_dictionary_entry_wins_over_the_built_in_one(
    staff_user, contact_a, jurisdiction_a, django_capture_on_commit_callbacks
):
    DictionaryEntry.objects.create(
        jurisdiction=jurisdiction_a,
        category="behavioral_health",
        kind="keyword",
        pattern=r"INTOXICATED",
        note="local practice",
    )
    DictionaryEntry.objects.create(
        jurisdiction=None, category="welfare_check", kind="code", pattern="NOISE COMPLAINT"
    )
    _import(
        contact_a, jurisdiction_a, files.csv_text().encode(), django_capture_on_commit_callbacks
    )
    categories = dict(
        CallTypeMapping.objects.filter(jurisdiction=jurisdiction_a).values_list(
            "call_type", "category"
        )
    )
    assert categories["INTOXICATED PERSON"] == "behavioral_health"
    assert categories["NOISE COMPLAINT"] == "welfare_check"
    assert categories["TRAFFIC STOP"] == "traffic"


def test_scenarios_follow_a_new_import(
    contact_a, jurisdiction_a, django_capture_on_commit_callbacks
):
    first = _import(
        contact_a, jurisdiction_a, files.csv_text().encode(), django_capture_on_commit_callbacks
    )
    scenario = services.scenario_save(
        jurisdiction=jurisdiction_a,
        user=contact_a,
        name="Welfare",
        criteria={"categories": ["welfare_check"]},
    )
    assert scenario.dataset == first and scenario.results["eligible_calls"] == 1
    second = _import(
        contact_a, jurisdiction_a, files.two_formats_csv(), django_capture_on_commit_callbacks
    )
    scenario.refresh_from_db()  # the import task computed the results on its data
    assert scenario.dataset == second and scenario.results["eligible_calls"] == 2
    assert scenario.results["dataset"]["id"] == second.pk


def test_keywords_in_remarks_beats_and_hours_exclude_calls():
    df = pd.DataFrame(
        {
            "call_type": ["WELFARE CHECK"] * 4,
            "remarks": ["caller has a knife", "sleeping in doorway", None, "ok"],
            "beat": ["B1", "B1", "B2", "B1"],
            "hour": [10, 10, 10, 23],
            "how": [10, 10, 10, 23],
            "local_date": pd.to_datetime(["2024-01-01"] * 4),
            "weapon": [False] * 4,
            "violence": [False] * 4,
            "injury": [False] * 4,
            "initiated": ["public"] * 4,
            "cancelled": [False] * 4,
            "unit_hours": [None] * 4,
            "time_on_task_min": [None] * 4,
        }
    )
    calls = Calls.from_frame(df, {"WELFARE CHECK": "welfare_check"})
    base = {"categories": ["welfare_check"]}
    assert evaluate(calls, base)["eligible_calls"] == 4
    assert evaluate(calls, base | {"exclude_keywords": ["knife"]})["eligible_calls"] == 3
    assert evaluate(calls, base | {"beats": ["B1"]})["eligible_calls"] == 3
    assert evaluate(calls, base | {"hours_from": 8, "hours_to": 22})["eligible_calls"] == 3
    assert evaluate(calls, base | {"hours_from": 22, "hours_to": 8})["eligible_calls"] == 1


def test_the_selector_keeps_calls_in_memory_until_a_reimport(
    contact_a, jurisdiction_a, django_capture_on_commit_callbacks
):
    dataset = _import(
        contact_a, jurisdiction_a, files.csv_text().encode(), django_capture_on_commit_callbacks
    )
    assert selectors.calls_frame(dataset) is selectors.calls_frame(dataset)
