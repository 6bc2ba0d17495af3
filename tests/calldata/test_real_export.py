"""The real Burlington, VT export (../shared/data/cad-samples/) end to end through the services."""

from __future__ import annotations

import pandas as pd
import pytest

from calldata import selectors, services
from calldata.engine.scenario import evaluate
from calldata.models import CallTypeMapping, Dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(burlington_imported):
    return burlington_imported


def test_the_mapping_is_proposed_automatically(burlington, burlington_upload, staff_user):
    dataset = services.dataset_upload(
        user=staff_user, jurisdiction=burlington, upload=burlington_upload
    )
    assert dataset.status == Dataset.Status.MAPPING
    assert dataset.mapping["fields"] == {
        "incident_id": "incident_number",
        "call_type": "call_type",
        "priority": "priority",
        "received_at": "call_time",
        "beat": "DISTRICT",
        "address": "Street",
        "latitude": "Latitude",
        "longitude": "Longitude",
        "source": "call_origin",
    }
    assert set(dataset.mapping["flags"]) == {
        "mental_health",
        "drug_related",
        "dv_related",
        "alcohol_related",
    }
    assert len(dataset.preview) == 8


def test_the_import_keeps_every_call_with_a_call_type(imported):
    assert imported.status == Dataset.Status.DONE, imported.error
    assert imported.rows_read == 10830
    assert imported.rows_kept == 10818
    assert imported.report["rejected"]["no call type"]["count"] == 12
    assert imported.report["flagged"]["no coordinates"]["count"] > 900
    assert imported.summary["calls"] == 10818
    assert imported.report["initiated"]["officer"] == 888


def test_times_are_local_and_right_across_daylight_saving(imported):
    frame = selectors.calls_frame(imported)
    assert imported.report["timestamps"]["received_at"]["utc_offsets_seen"] == ["-04:00", "-05:00"]
    assert imported.time_zone == "America/New_York"
    filesystem, path = selectors.parquet_location(imported)
    raw = pd.read_parquet(
        path, columns=["incident_id", "received_at", "hour"], filesystem=filesystem
    )
    by_id = raw.set_index("incident_id")
    # 2021-12-31T20:08:55-05:00 (EST): local hour 20 on New Year's Eve, not the file's "1 am".
    assert by_id.loc["22BU000002", "hour"] == 20
    assert by_id.loc["22BU000002", "received_at"] == pd.Timestamp("2022-01-01 01:08:55", tz="UTC")
    # After the change on 2022-03-13 the offset is -04:00 and the local hour stays the wall hour.
    after = raw[
        raw["received_at"].between(
            pd.Timestamp("2022-03-13 15:30:00", tz="UTC"),
            pd.Timestamp("2022-03-13 15:31:00", tz="UTC"),
        )
    ]
    assert list(after["hour"]) == [11]
    assert imported.summary["first_day"] == "2021-12-31"
    assert len(frame) == 10818


def test_the_behavioural_flags_work_as_scenario_criteria(imported):
    calls = selectors.calls_for(imported)
    flagged = int(calls.frame["flag_mental_health"].sum())
    assert flagged > 100
    only_flag = evaluate(
        calls,
        {
            "include_flags": ["mental_health"],
            "exclude_weapon": False,
            "exclude_violence": False,
            "exclude_cancelled": False,
        },
    )
    assert only_flag["eligible_calls"] == flagged
    without_dv = evaluate(
        calls,
        {
            "include_flags": ["mental_health"],
            "exclude_flags": ["dv_related"],
            "exclude_weapon": False,
            "exclude_violence": False,
        },
    )
    overlap = int((calls.frame["flag_mental_health"] & calls.frame["flag_dv_related"]).sum())
    assert without_dv["eligible_calls"] == flagged - overlap


def test_call_types_get_suggested_categories_and_confirmed_ones_are_reused(
    imported, staff_user, burlington, burlington_upload, django_capture_on_commit_callbacks
):
    welfare = CallTypeMapping.objects.get(jurisdiction=burlington, call_type="WELFARE CHECK")
    assert welfare.category == "welfare_check" and not welfare.confirmed
    services.taxonomy_confirm(
        jurisdiction_id=burlington.pk,
        categories={"WELFARE CHECK": "behavioral_health"},
        user=staff_user,
    )
    burlington_upload.seek(0)
    second = services.dataset_upload(
        user=staff_user, jurisdiction=burlington, upload=burlington_upload
    )
    assert second.mapping_reused
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_set_mapping(dataset=second, mapping=second.mapping, user=staff_user)
    welfare.refresh_from_db()
    assert welfare.category == "behavioral_health" and welfare.confirmed
    assert CallTypeMapping.objects.filter(jurisdiction=burlington).count() == 101


def test_a_preset_scenario_runs_on_the_real_data(imported, staff_user, burlington):
    scenario = services.scenario_from_preset(
        jurisdiction=burlington, user=staff_user, key="eugene-cahoots"
    )
    results = scenario.results
    assert 0 < results["eligible_calls"] < results["total_calls"]
    assert results["unit_hours"]["estimated"] is True
    assert results["staffing"]["peak_teams"] >= 1
    assert results["top_call_types"][0]["count"] > 0
