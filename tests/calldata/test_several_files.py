"""Several files, one analysis: a .zip of several exports with the same columns, and several
imports of a jurisdiction combined; incidents in several files are merged by their id."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from calldata import selectors, services
from calldata.models import Dataset
from tests.calldata import files
from tests.calldata.conftest import import_upload, upload

pytestmark = pytest.mark.django_db

YEARS = (2022, 2023, 2024)


def _yearly(year: int) -> bytes:
    return files.yearly_export(year, calls=60, carried=0 if year == YEARS[0] else 2)


_import = import_upload
_zip = files.zip_of


@pytest.fixture
def two_years(jurisdiction_a, contact_a, django_capture_on_commit_callbacks) -> list[Dataset]:
    return [
        _import(
            jurisdiction_a,
            contact_a,
            f"calls-{year}.csv",
            _yearly(year),
            django_capture_on_commit_callbacks,
        )
        for year in YEARS[:2]
    ]


def test_a_zip_of_yearly_exports_is_read_as_one_with_repeated_incidents_merged(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    content = _zip({f"calls-{year}.csv": _yearly(year) for year in YEARS})
    dataset = _import(
        jurisdiction_a, contact_a, "three-years.zip", content, django_capture_on_commit_callbacks
    )
    assert dataset.report["rows_read"] == 60 * 3 + 2 * 2
    assert dataset.report["duplicates"]["records_merged"] == 4
    assert dataset.rows_kept == 180
    assert dataset.report["accounting"] == {
        "rows_read": 184,
        "kept": 180,
        "rejected": 0,
        "dropped": 0,
        "empty": 0,
        "merged": 4,
        "balanced": True,
    }
    assert dataset.covers == ["calls-2022.csv", "calls-2023.csv", "calls-2024.csv"]
    assert str(dataset.first_day) == "2022-01-07" and str(dataset.last_day) == "2024-12-31"
    # Each merged incident names the files and the lines in each of them.
    example = dataset.report["duplicates"]["examples"][0]
    assert example["incident_id"] == "2022-0059"
    assert example["files"] == ["calls-2022.csv", "calls-2023.csv"]
    assert example["lines"] == [60, 2]


def test_a_zip_of_exports_with_other_columns_is_refused_naming_them(jurisdiction_a, contact_a):
    content = _zip({"a.csv": _yearly(2022), "b.csv": files.split_date_time_csv()})
    dataset = services.dataset_upload(
        user=contact_a, jurisdiction=jurisdiction_a, upload=upload("x.zip", content)
    )
    assert dataset.status == Dataset.Status.FAILED
    assert "“b.csv” has other columns than “a.csv”" in dataset.error
    assert "it lacks Incident Number" in dataset.error


def test_rows_rejected_in_a_later_file_are_reported_with_its_name_and_line(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    later = _yearly(2023).replace(
        b"2023-0005,WELFARE CHECK,3,", b"2023-0005,WELFARE CHECK,3,not a date"
    )
    content = _zip({"calls-2022.csv": _yearly(2022), "calls-2023.csv": later})
    dataset = _import(
        jurisdiction_a, contact_a, "two.zip", content, django_capture_on_commit_callbacks
    )
    example = dataset.report["rejected"]["received time unreadable"]["examples"][0]
    assert (example["file"], example["line"]) == ("calls-2023.csv", 8)


def test_several_imports_are_combined_into_one_analysis(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    parts = [
        _import(
            jurisdiction_a,
            contact_a,
            f"calls-{year}.csv",
            _yearly(year),
            django_capture_on_commit_callbacks,
        )
        for year in YEARS
    ]
    assert selectors.latest_dataset(jurisdiction_a.pk) == parts[-1]
    with django_capture_on_commit_callbacks(execute=True):
        combined = services.dataset_combine(
            user=contact_a, jurisdiction=jurisdiction_a, datasets=parts[::-1]
        )
    combined.refresh_from_db()
    assert combined.status == Dataset.Status.DONE, combined.error
    assert combined.rows_kept == 180 and combined.report["duplicates"]["records_merged"] == 4
    assert combined.report["accounting"]["balanced"] is True  # read = kept + … + merged
    assert combined.covers == ["calls-2022.csv", "calls-2023.csv", "calls-2024.csv"]
    assert combined.covers_text.startswith("3 files: “calls-2022.csv”")
    assert selectors.latest_dataset(jurisdiction_a.pk) == combined
    scenario = services.scenario_from_preset(
        jurisdiction=jurisdiction_a, user=contact_a, key="denver-star"
    )
    assert scenario.results["total_calls"] == 180
    assert scenario.results["dataset"]["files"] == combined.covers


def test_imports_with_other_columns_are_not_combined(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    first = _import(
        jurisdiction_a,
        contact_a,
        "calls-2022.csv",
        _yearly(2022),
        django_capture_on_commit_callbacks,
    )
    other = _import(
        jurisdiction_a,
        contact_a,
        "zones.csv",
        files.split_date_time_csv(),
        django_capture_on_commit_callbacks,
    )
    with pytest.raises(ValidationError, match="has other columns"):
        services.dataset_combine(
            user=contact_a, jurisdiction=jurisdiction_a, datasets=[first, other]
        )
    with pytest.raises(ValidationError, match="at least two"):
        services.dataset_combine(
            user=contact_a, jurisdiction=jurisdiction_a, datasets=[first, first]
        )


def test_the_combine_page_lists_the_imports_and_starts_the_analysis(
    two_years,
    jurisdiction_a,
    contact_a_client,
    contact_b_client,
    django_capture_on_commit_callbacks,
):
    parts = two_years
    url = reverse("calldata:combine", args=[jurisdiction_a.pk])
    page = contact_a_client.get(url).content.decode()
    assert "calls-2022.csv" in page and "calls-2023.csv" in page
    assert contact_b_client.get(url).status_code == 404
    assert contact_a_client.post(url, {"datasets": [parts[0].pk]}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(url, {"datasets": [p.pk for p in parts]})
    combined = Dataset.objects.get(pk=response.url.split("/")[-2])
    assert combined.is_combined
    assert combined.status == Dataset.Status.DONE
    page = contact_a_client.get(response.url).content.decode()
    assert 'data-testid="parts"' in page and "original file" not in page
    volume = contact_a_client.get(reverse("calldata:volume", args=[combined.pk])).content.decode()
    assert "2 files: “calls-2022.csv”, “calls-2023.csv”" in volume
    assert contact_a_client.get(reverse("calldata:file", args=[combined.pk])).status_code == 404


def test_the_api_combines_imports(
    two_years,
    jurisdiction_a,
    contact_a_client,
    contact_b_client,
    django_capture_on_commit_callbacks,
):
    parts = two_years
    body = {"jurisdiction": jurisdiction_a.pk, "datasets": [p.pk for p in parts]}
    assert (
        contact_b_client.post(
            "/api/v1/calldata/datasets/combine/", body, content_type="application/json"
        ).status_code
        == 400
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(
            "/api/v1/calldata/datasets/combine/", body, content_type="application/json"
        )
    assert response.status_code == 202, response.content
    detail = contact_a_client.get(f"/api/v1/calldata/datasets/{response.json()['id']}/").json()
    assert detail["status"] == "done" and sorted(detail["parts"]) == sorted(p.pk for p in parts)
    assert detail["files"] == ["calls-2022.csv", "calls-2023.csv"]
