"""What the scenario pages and the brief say agrees with what they count: the STAR preset's
weekday hours, shares to a tenth of a percent, thousands separators, the staffing minutes
said once, yearly figures projected from a short period said to be, and no text encoding
named for an Excel file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from calldata import services
from calldata.engine.presets import presets
from calldata.models import Dataset, Scenario
from tests.calldata import files
from tests.calldata.conftest import import_upload, upload

pytestmark = pytest.mark.django_db


def _weekly_calls(weeks: int) -> bytes:
    """Welfare checks in the 11:00 hour every day for `weeks` weeks from Monday 2024-03-04
    (on different minutes: received times all on one minute are refused before the import)."""
    start = dt.datetime(2024, 3, 4, 11)
    rows = [
        f"W-{n:05d},WELFARE CHECK,3,"
        f"{start + dt.timedelta(days=n, minutes=n % 60):%m/%d/%Y %H:%M:%S},,,,"
        "ADVISED,B1,911,1"
        for n in range(weeks * 7)
    ]
    return files.csv_text(rows=rows).encode()


def test_the_star_preset_counts_weekdays_only_as_its_text_says(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    star = presets()["denver-star"]
    assert "weekdays, 10:00-18:00" in star["source"]
    assert star["criteria"]["weekdays_only"] is True
    import_upload(
        jurisdiction_a, contact_a, "calls.csv", _weekly_calls(4), django_capture_on_commit_callbacks
    )
    scenario = services.scenario_from_preset(
        jurisdiction=jurisdiction_a, user=contact_a, key="denver-star"
    )
    results = scenario.results
    assert results["eligible_calls"] == 4 * 5  # Saturdays and Sundays are not counted
    assert sum(sum(day) for day in results["hour_of_week"][5:]) == 0


def test_the_brief_says_shares_to_a_tenth_numbers_with_separators_and_minutes_once(
    jurisdiction_a, contact_a, contact_a_client, django_capture_on_commit_callbacks
):
    dataset = import_upload(
        jurisdiction_a, contact_a, "calls.csv", _weekly_calls(4), django_capture_on_commit_callbacks
    )
    scenario = Scenario.objects.create(
        jurisdiction=jurisdiction_a,
        dataset=dataset,
        name="Brief",
        criteria={},
        results={
            "total_calls": 31250,
            "eligible_calls": 1000,
            "share": 0.032,
            "days": 28,
            "projected": True,
            "per_year": 13044.6,
            "per_day": 35.71,
            "unit_hours": {"police_per_year": 9783.5, "ems_per_year": 0.0, "estimated": True},
            "hour_of_week": [[0.0] * 24] * 7,
            "staffing": {
                "peak_teams": 2,
                "team_hours_per_week": 1344.0,
                "minutes_per_call": 45.0,
                "minutes_source": "the default, as the file has no on-scene times",
                "target_share": 0.9,
                "within_minutes": 15,
            },
            "top_call_types": [{"call_type": "WELFARE CHECK", "per_year": 13044.6, "count": 1000}],
            "by_category": [],
            "dataset": {"id": dataset.pk, "name": "calls.csv", "files": ["calls.csv"]},
        },
    )
    page = contact_a_client.get(
        reverse("calldata:scenario_brief", args=[scenario.pk])
    ).content.decode()
    assert "3.2%" in page
    assert "13,045" in page and "9,784" in page and "31,250" in page and "1,344" in page
    assert "45 minutes per call: the default, as the file has no on-scene times" in page
    assert page.count("45 minutes") == 1 and "45.0" not in page
    assert "projected from 28 days of data (4.0 weeks): seasonal changes" in page


def test_the_default_minutes_say_why_without_repeating_the_figure(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    import_upload(
        jurisdiction_a, contact_a, "calls.csv", _weekly_calls(1), django_capture_on_commit_callbacks
    )
    scenario = services.scenario_from_preset(
        jurisdiction=jurisdiction_a, user=contact_a, key="eugene-cahoots"
    )
    staffing = scenario.results["staffing"]
    assert staffing["minutes_source"] == "the default, as the file has no on-scene times"
    assert "45" not in staffing["minutes_source"]
    assert scenario.results["projected"] is True


def test_a_year_of_data_is_not_called_a_projection(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    import_upload(
        jurisdiction_a,
        contact_a,
        "calls.csv",
        _weekly_calls(53),
        django_capture_on_commit_callbacks,
    )
    scenario = services.scenario_from_preset(
        jurisdiction=jurisdiction_a, user=contact_a, key="eugene-cahoots"
    )
    assert scenario.results["projected"] is False


def test_an_excel_export_is_not_said_to_have_a_text_encoding(
    jurisdiction_a, contact_a, contact_a_client
):
    dataset = services.dataset_upload(
        user=contact_a, jurisdiction=jurisdiction_a, upload=upload("calls.xlsx", files.xlsx_bytes())
    )
    assert dataset.status == Dataset.Status.MAPPING, dataset.error
    assert dataset.source["encoding"] == ""
    page = contact_a_client.get(reverse("calldata:mapping", args=[dataset.pk])).content.decode()
    assert "Read as XLSX." in page and "XLSX, utf-8" not in page


def test_the_scenarios_side_by_side_show_tenths_separators_and_projections(
    jurisdiction_a, contact_a, contact_a_client, django_capture_on_commit_callbacks
):
    import_upload(
        jurisdiction_a, contact_a, "calls.csv", _weekly_calls(4), django_capture_on_commit_callbacks
    )
    scenario = services.scenario_from_preset(
        jurisdiction=jurisdiction_a, user=contact_a, key="denver-star"
    )
    Scenario.objects.filter(pk=scenario.pk).update(
        results={**scenario.results, "share": 0.032, "per_year": 12345.6}
    )
    page = contact_a_client.get(reverse("calldata:scenarios", args=[jurisdiction_a.pk]))
    text = page.content.decode()
    assert "3.2%" in text and "12,346" in text
    assert "(projected from 28 days)" in text


def test_the_percent_filter_keeps_a_tenth():
    from calldata.templatetags.calldata_tags import percent

    assert (percent(0.032), percent(0.004), percent(1), percent(None)) == (
        "3.2%",
        "0.4%",
        "100.0%",
        "–",
    )


def _calls_with_priorities(levels: tuple[int, ...]) -> tuple[bytes, list[tuple[int, int]]]:
    """Two weeks of welfare checks in the 11:00 hour from Monday 2024-03-04, their priority
    cycling through `levels`; also (weekday, priority) of each call, to count independently."""
    start = dt.datetime(2024, 3, 4, 11)
    rows, calls = [], []
    for n in range(14 * 3):
        received = start + dt.timedelta(days=n // 3, minutes=n)
        level = levels[n % len(levels)]
        rows.append(
            f"P-{n:05d},WELFARE CHECK,{level},{received:%m/%d/%Y %H:%M:%S},,,,ADVISED,B1,911,1"
        )
        calls.append((received.weekday(), level))
    return files.csv_text(rows=rows).encode(), calls


@pytest.mark.parametrize(
    ("order", "most_urgent", "levels"),
    [("lower", 0, (0, 1, 2)), ("higher", 5, (5, 4, 3)), ("lower", 1, (1, 2, 3))],
)
def test_the_star_preset_on_the_jurisdictions_priority_scale_counts_what_its_text_says(
    jurisdiction_a,
    contact_a,
    contact_a_client,
    django_capture_on_commit_callbacks,
    order,
    most_urgent,
    levels,
):
    # The priority direction (reading settings) and the weekday hours (STAR) meet in the
    # preset: weekdays only, and never the most urgent level of this centre's own scale.
    services.reading_settings_save(
        jurisdiction=jurisdiction_a,
        user=contact_a,
        values={"priority_order": order, "priority_most_urgent": most_urgent},
    )
    content, calls = _calls_with_priorities(levels)
    import_upload(jurisdiction_a, contact_a, "p.csv", content, django_capture_on_commit_callbacks)
    scenario = services.scenario_from_preset(
        jurisdiction=jurisdiction_a, user=contact_a, key="denver-star"
    )
    assert scenario.criteria["weekdays_only"] is True
    assert scenario.criteria["exclude_priority_at_or_above"] == most_urgent
    expected = sum(1 for weekday, level in calls if weekday < 5 and level != most_urgent)
    assert scenario.results["eligible_calls"] == expected == 20
    brief = contact_a_client.get(reverse("calldata:scenario_brief", args=[scenario.pk]))
    text = brief.content.decode()
    assert f"Priority {most_urgent} or more urgent." in text
    assert "10:00 to 18:00, Monday to Friday." in text
