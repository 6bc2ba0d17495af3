# ruff: noqa: E501  (rows of a CAD export read best one per line)
"""The cohort side by side: figures equal to an independent count, who sees which names, CSV."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pyarrow.dataset as pads
import pytest
from django.urls import reverse

from calldata import cohort, selectors, services
from calldata.engine import cohort as cohort_engine
from calldata.engine import scenario as scenario_engine
from calldata.engine.presets import presets
from calldata.models import CallTypeMapping
from calldata.views.cohort import CSV_COLUMNS
from jurisdictions.models import Jurisdiction
from tests.calldata import files
from tests.calldata.conftest import import_upload
from tests.cohorts.factories import CohortFactory, CohortMembershipFactory
from tests.jurisdictions.factories import JurisdictionFactory

pytestmark = pytest.mark.django_db

PRESET = next(iter(presets()))
B_ROWS = [
    "25-0001,WELFARE CHECK,3,04/01/2024 14:05:00,04/01/2024 14:10:00,04/01/2024 14:20:00,04/01/2024 14:50:00,ADVISED,B1,911,1",
    "25-0002,WELFARE CHECK,3,04/01/2024 14:30:00,04/01/2024 14:35:00,04/01/2024 14:45:00,04/01/2024 15:10:00,ADVISED,B1,911,1",
    "25-0003,NOISE COMPLAINT,4,04/02/2024 22:00:00,04/02/2024 22:10:00,04/02/2024 22:20:00,04/02/2024 22:30:00,ADVISED,B2,PHONE,1",
]


@pytest.fixture
def world(jurisdiction_a, jurisdiction_b, contact_a, contact_b, django_capture_on_commit_callbacks):
    """Durham (contact A, population 250,000) and Phoenix (contact B, population not given)
    in one cohort with a third member, Tulsa, that has no data; an outsider cohort beside."""
    jurisdiction_b.population = None
    jurisdiction_b.save()
    tulsa = JurisdictionFactory(name="Tulsa", state="OK")
    the_cohort = CohortFactory()
    for j in (jurisdiction_a, jurisdiction_b, tulsa):
        CohortMembershipFactory(cohort=the_cohort, jurisdiction=j)
    capture = django_capture_on_commit_callbacks
    a = import_upload(jurisdiction_a, contact_a, "a.csv", files.csv_text().encode(), capture)
    b = import_upload(
        jurisdiction_b, contact_b, "b.csv", files.csv_text(rows=B_ROWS).encode(), capture
    )
    other = CohortFactory()
    CohortMembershipFactory(cohort=other)
    return {"cohort": the_cohort, "other": other, "a": a, "b": b, "tulsa": tulsa}


def _independent(dataset) -> dict:
    """Counts read straight from the dataset's Parquet with pyarrow and pandas."""
    filesystem, path = selectors.parquet_location(dataset)
    frame = (
        pads.dataset(path, filesystem=filesystem, format="parquet", partitioning="hive")
        .to_table(columns=["call_type", "how", "local_date"])
        .to_pandas()
    )
    mapping = dict(
        CallTypeMapping.objects.filter(jurisdiction_id=dataset.jurisdiction_id).values_list(
            "call_type", "category"
        )
    )
    categories = frame["call_type"].astype(str).map(lambda t: mapping.get(t, "other"))
    dates = pd.to_datetime(frame["local_date"])
    return {
        "calls": len(frame),
        "mix": (categories.value_counts() / len(frame)).round(4).to_dict(),
        "how": int(frame["how"].astype(int).value_counts().idxmax()),
        "days": (dates.max() - dates.min()).days + 1,
    }


def test_the_figures_equal_an_independent_count_of_the_parquet(world, staff_user, contact_a):
    data = cohort.comparison(user=staff_user, cohort=world["cohort"], preset_key=PRESET)
    rows = {r.label: r for r in data["rows"]}
    assert list(rows) == ["Durham", "Phoenix", "Tulsa"]
    for name, dataset in (("Durham", world["a"]), ("Phoenix", world["b"])):
        row, counted = rows[name], _independent(dataset)
        assert row.calls == counted["calls"]
        assert row.mix == counted["mix"]
        assert row.days == counted["days"]
        day, hour = divmod(counted["how"], 24)
        assert row.peak.startswith(f"{cohort.DAYS[day]} {hour:02d}:00")
    durham = rows["Durham"]
    assert durham.per_1000 == round(
        _independent(world["a"])["calls"] * 365.25 / durham.days / 250_000 * 1000, 1
    )
    assert rows["Phoenix"].per_1000 is None  # population not given
    assert not rows["Tulsa"].has_data


def test_the_eligible_share_is_the_scenario_pages_figure_for_the_same_preset(
    world, staff_user, contact_a, jurisdiction_a
):
    saved = services.scenario_from_preset(jurisdiction=jurisdiction_a, user=contact_a, key=PRESET)
    data = cohort.comparison(user=staff_user, cohort=world["cohort"], preset_key=PRESET)
    durham = next(r for r in data["rows"] if r.label == "Durham")
    assert durham.eligible_share == saved.results["share"]
    assert durham.eligible_calls == saved.results["eligible_calls"]


def _page_figures(dataset, preset: dict) -> dict:
    """What the jurisdiction's own pages show: the stored summary, the scenario page's result."""
    results = scenario_engine.evaluate(
        selectors.calls_for(dataset), selectors.preset_criteria(dataset.jurisdiction_id, preset)
    )
    summary = dataset.summary
    return {
        "calls": summary["calls"],
        "days": summary["days"],
        "first_day": summary["first_day"],
        "hour_of_week": [n for day in summary["hour_of_week"] for n in day],
        "by_category": dict(map(tuple, selectors.volume_by_category(dataset))),
        "eligible": results["eligible_calls"],
        "share": results["share"],
    }


def _scanned(figures: cohort_engine.Figures) -> dict:
    return {
        "calls": figures.calls,
        "days": figures.days,
        "first_day": figures.first_day.isoformat(),
        "hour_of_week": figures.hour_of_week.tolist(),
        "by_category": figures.by_category,
        "eligible": figures.eligible,
        "share": figures.eligible_share,
    }


REMARKS = [
    "SUBJECT HAS A GUN",
    "CALM",
    "FIGHT IN PROGRESS",
    "",
    "CHECK ON HER",
    "KNIFE SEEN",
    "",
    "ASLEEP",
]


@pytest.fixture
def with_remarks(staff_user, django_capture_on_commit_callbacks):
    """The small export with a remarks column, whose words the presets exclude on."""
    jurisdiction = JurisdictionFactory(name="Eugene", state="OR")
    lines = files.csv_text().splitlines()
    text = "\n".join(
        [f"{lines[0]},Remarks", *(f"{r},{m}" for r, m in zip(lines[1:], REMARKS, strict=True))]
    )
    capture = django_capture_on_commit_callbacks
    dataset = import_upload(jurisdiction, staff_user, "r.csv", text.encode(), capture)
    assert dataset.summary["has"]["remarks"]
    return dataset


def test_one_scan_of_every_members_parquet_gives_each_ones_own_page_figures(
    world, burlington_imported, with_remarks
):
    # Members whose files differ: Burlington has behavioural flags and Eugene remarks that the
    # others lack, which in the one dataset read as blank for them and must not count as
    # "column present" (nor the remarks of one member exclude another's calls).
    burlington = burlington_imported
    datasets = [world["a"], world["b"], burlington, with_remarks]
    for key, preset in presets().items():
        scanned = selectors.cohort_figures(datasets, preset)
        for dataset in datasets:
            assert _scanned(scanned[dataset.jurisdiction_id]) == _page_figures(dataset, preset), (
                key,
                dataset.jurisdiction,
            )
    assert scanned[burlington.jurisdiction_id].calls == 10818


def test_the_scan_reads_through_the_filesystem_it_is_given(world):
    # The storage's own pyarrow filesystem and the paths inside it: the local disk, or the
    # object store when STORAGE_URL is set (as in CI).
    preset = presets()[PRESET]
    datasets = (world["a"], world["b"])
    located = [selectors.parquet_location(dataset) for dataset in datasets]
    members = [
        cohort_engine.Member(
            key=dataset.jurisdiction_id,
            path=path,
            categories=selectors.category_mapping(dataset.jurisdiction_id),
            criteria=selectors.preset_criteria(dataset.jurisdiction_id, preset),
        )
        for dataset, (_, path) in zip(datasets, located, strict=True)
    ]
    scanned = cohort_engine.figures(members, filesystem=located[0][0])
    assert _scanned(scanned[world["a"].jurisdiction_id]) == _page_figures(world["a"], preset)
    assert scanned[world["b"].jurisdiction_id].calls == len(B_ROWS)


def test_staff_see_every_member_named_with_a_population_note(world, staff_client):
    response = staff_client.get(reverse("calldata:cohort_compare", args=[world["cohort"].pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for name in ("Durham", "Phoenix", "Tulsa"):
        assert name in page
    assert "population not given" in page
    assert "No imported call data yet" in page


def test_a_member_sees_others_as_letters_until_they_agree_to_share(
    world, contact_a_client, jurisdiction_b
):
    url = reverse("calldata:cohort_compare", args=[world["cohort"].pk])
    page = contact_a_client.get(url).content.decode()
    assert "Durham" in page
    assert "Phoenix" not in page and "Tulsa" not in page
    assert "Jurisdiction A" in page and "Jurisdiction B" in page
    jurisdiction_b.shares_in_cohort_comparison = True
    jurisdiction_b.save()
    page = contact_a_client.get(url).content.decode()
    assert "Phoenix" in page and "Tulsa" not in page and "Jurisdiction A" in page


def test_an_anonymised_row_keeps_its_rates_but_not_its_identifying_counts(world, contact_a):
    data = cohort.comparison(user=contact_a, cohort=world["cohort"], preset_key=PRESET)
    letter = next(r for r in data["rows"] if r.label == "Jurisdiction A")
    assert letter.jurisdiction_id is None and letter.has_data
    assert letter.calls == 0 and letter.population is None and letter.first_day == ""
    assert letter.eligible_share is not None and letter.mix


def test_an_outsider_and_a_member_of_another_cohort_get_nothing(
    world, contact_a_client, practitioner_client
):
    assert (
        contact_a_client.get(
            reverse("calldata:cohort_compare", args=[world["other"].pk])
        ).status_code
        == 404
    )
    assert (
        contact_a_client.get(
            reverse("calldata:cohort_compare_csv", args=[world["other"].pk])
        ).status_code
        == 404
    )
    url = reverse("calldata:cohort_compare", args=[world["cohort"].pk])
    assert practitioner_client.get(url).status_code == 403


def test_the_csv_holds_what_the_page_shows_the_person(world, contact_a_client, staff_client):
    url = reverse("calldata:cohort_compare_csv", args=[world["cohort"].pk])
    rows = list(csv.reader(io.StringIO(contact_a_client.get(url).content.decode())))
    labels = [r[0] for r in rows[1:]]
    assert labels == ["Durham", "Jurisdiction A", "Jurisdiction B"]
    anonymous = rows[2]
    assert anonymous[1] == "" and anonymous[2] == ""
    rows = list(csv.reader(io.StringIO(staff_client.get(url).content.decode())))
    durham = rows[1]
    assert durham[0] == "Durham" and durham[1] == "250000"
    assert int(durham[2]) == _independent(world["a"])["calls"]


def test_a_contact_sets_their_own_consent_and_not_anothers(
    world, contact_a_client, jurisdiction_a, jurisdiction_b
):
    url = reverse("calldata:cohort_sharing", args=[jurisdiction_a.pk])
    response = contact_a_client.post(url, {"shares": "on", "next": world["cohort"].pk})
    assert response.status_code == 302
    assert Jurisdiction.objects.get(pk=jurisdiction_a.pk).shares_in_cohort_comparison
    contact_a_client.post(url, {"next": world["cohort"].pk})
    assert not Jurisdiction.objects.get(pk=jurisdiction_a.pk).shares_in_cohort_comparison
    other = reverse("calldata:cohort_sharing", args=[jurisdiction_b.pk])
    assert contact_a_client.post(other, {"shares": "on"}).status_code == 404
    assert not Jurisdiction.objects.get(pk=jurisdiction_b.pk).shares_in_cohort_comparison


def test_the_cohort_list_goes_straight_to_a_contacts_only_cohort(world, contact_a_client):
    response = contact_a_client.get(reverse("calldata:cohorts"))
    assert response.url == reverse("calldata:cohort_compare", args=[world["cohort"].pk])


def _api(client, cohort_id, **params):
    return client.get(f"/api/v1/calldata/cohorts/{cohort_id}/comparison/", params)


def test_the_api_gives_staff_the_rows_of_the_page_and_the_csv(world, staff_client):
    body = _api(staff_client, world["cohort"].pk, preset=PRESET).json()
    assert body["preset"]["key"] == PRESET
    assert [r["jurisdiction"] for r in body["rows"]] == ["Durham", "Phoenix", "Tulsa"]
    durham, phoenix, tulsa = body["rows"]
    counted = _independent(world["a"])
    assert durham["calls"] == counted["calls"] and durham["population"] == 250_000
    assert durham["mix"] == {k: counted["mix"].get(k, 0.0) for k in durham["mix"]}
    assert [c["key"] for c in body["categories"]] == list(durham["mix"])
    assert phoenix["calls_per_1000_per_year"] is None
    assert not tulsa["has_data"] and tulsa["calls"] is None and tulsa["mix"] is None
    csv_rows = list(
        csv.reader(
            io.StringIO(
                staff_client.get(
                    reverse("calldata:cohort_compare_csv", args=[world["cohort"].pk]),
                    {"preset": PRESET},
                ).content.decode()
            )
        )
    )
    for row, line in zip(body["rows"], csv_rows[1:], strict=True):
        assert line[: len(CSV_COLUMNS)] == [
            "" if row[k] is None else str(row[k]) for k in CSV_COLUMNS
        ]


def test_the_api_names_only_the_members_that_agreed_to_a_member(
    world, contact_a_client, jurisdiction_b
):
    rows = _api(contact_a_client, world["cohort"].pk).json()["rows"]
    assert [r["jurisdiction"] for r in rows] == ["Durham", "Jurisdiction A", "Jurisdiction B"]
    assert rows[0]["is_viewer"] and rows[0]["calls"] is not None
    letter = rows[1]
    assert letter["jurisdiction_id"] is None and letter["has_data"]
    assert letter["calls"] is None and letter["population"] is None
    assert letter["first_day"] is None and letter["eligible_share"] is not None
    jurisdiction_b.shares_in_cohort_comparison = True
    jurisdiction_b.save()
    rows = _api(contact_a_client, world["cohort"].pk).json()["rows"]
    assert [r["jurisdiction"] for r in rows] == ["Durham", "Phoenix", "Jurisdiction A"]
    assert rows[1]["jurisdiction_id"] == jurisdiction_b.pk


def test_the_api_refuses_outsiders_other_cohorts_and_unknown_presets(
    world, contact_a_client, practitioner_client, client
):
    assert _api(contact_a_client, world["other"].pk).status_code == 404
    assert _api(contact_a_client, 999_999).status_code == 404
    assert contact_a_client.get("/api/v1/calldata/cohorts/true/comparison/").status_code == 404
    assert _api(practitioner_client, world["cohort"].pk).status_code == 403
    assert _api(client, world["cohort"].pk).status_code == 403
    response = _api(contact_a_client, world["cohort"].pk, preset="no-such-model")
    assert response.status_code == 400 and "preset" in response.json()


def test_the_comparison_endpoint_is_in_the_openapi_schema(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/calldata/cohorts/{id}/comparison/"]["get"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["preset"]
    assert "CohortComparison" in schema["components"]["schemas"]
