"""Pages of the call-data analysis: access, the upload journey, messy files, analysis pages."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from calldata import services
from calldata.models import CallTypeMapping, Dataset, DecisionTree, OutcomeRecord, Scenario
from gpl_cohort import storage
from tests.calldata import files
from tests.calldata.conftest import upload

pytestmark = pytest.mark.django_db


def _upload(client, jurisdiction, name, content, callbacks):
    with callbacks(execute=True):
        return client.post(
            reverse("calldata:index"),
            {"jurisdiction": jurisdiction.pk, "file": upload(name, content)},
        )


def _kept(dataset: Dataset) -> bool:
    return default_storage.exists(dataset.file.name)


def test_the_index_needs_a_contact_or_staff(client, practitioner_client, contact_a_client):
    assert client.get(reverse("calldata:index")).status_code == 302
    assert practitioner_client.get(reverse("calldata:index")).status_code == 403
    assert contact_a_client.get(reverse("calldata:index")).status_code == 200


def test_a_contact_sees_only_their_jurisdictions_datasets(
    imported_a, contact_b_client, staff_client, django_assert_max_num_queries
):
    response = contact_b_client.get(reverse("calldata:index"))
    assert imported_a.original_name not in response.content.decode()
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("calldata:index"))
    assert imported_a.original_name in response.content.decode()
    for name in ("dataset", "mapping", "volume", "progress", "file"):
        url = reverse(f"calldata:{name}", args=[imported_a.pk])
        assert contact_b_client.get(url).status_code == 404, name


def test_a_contact_cannot_upload_for_another_jurisdiction(contact_a_client, jurisdiction_b):
    response = contact_a_client.post(
        reverse("calldata:index"),
        {"jurisdiction": jurisdiction_b.pk, "file": upload("a.csv", files.csv_text().encode())},
    )
    assert response.status_code == 400
    assert not Dataset.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("semicolon.csv", files.semicolon_csv()),
        ("windows-1252.csv", files.cp1252_csv()),
        ("bom.csv", files.bom_csv()),
        ("calls.xlsx", files.xlsx_bytes()),
        ("two-formats.csv", files.two_formats_csv()),
        ("empty-rows.csv", files.empty_rows_csv()),
        ("calls.zip", files.zipped("calls.csv", files.semicolon_csv())),
        ("split.csv", files.split_date_time_csv()),
    ],
)
def test_messy_but_readable_files_import(
    contact_a_client, jurisdiction_a, name, content, django_capture_on_commit_callbacks
):
    response = _upload(
        contact_a_client, jurisdiction_a, name, content, django_capture_on_commit_callbacks
    )
    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("calldata:mapping", args=[dataset.pk])
    form = {f"field_{k}": v for k, v in dataset.mapping["fields"].items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(reverse("calldata:mapping", args=[dataset.pk]), form)
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE, dataset.error
    assert dataset.rows_kept >= 3
    assert _kept(dataset)
    page = contact_a_client.get(reverse("calldata:dataset", args=[dataset.pk]))
    assert "Data-quality report" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty (0 bytes)"),
        ("photo.csv", files.PNG, "not a CSV, Excel"),
        ("other.csv", files.NO_RECOGNISABLE, "None of the file"),
        ("header-only.csv", b"Incident Number,Nature Code,Call Received\n", "no rows"),
    ],
)
def test_unreadable_files_end_in_a_clear_message_and_a_kept_file(
    contact_a_client, jurisdiction_a, name, content, message, django_capture_on_commit_callbacks
):
    response = _upload(
        contact_a_client, jurisdiction_a, name, content, django_capture_on_commit_callbacks
    )
    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert dataset.status == Dataset.Status.FAILED
    assert message in dataset.error
    assert _kept(dataset)
    page = contact_a_client.get(reverse("calldata:dataset", args=[dataset.pk]), follow=True)
    assert page.status_code == 200
    assert "The file is kept" in page.content.decode() or "original file is kept" in (
        page.content.decode()
    )


def test_a_column_mapped_by_hand_is_used_and_saved_for_next_time(
    contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks
):
    content = (
        b"Ref,What,When,Where\n"
        b"1,WELFARE CHECK,2024-03-15 10:00:00,B1\n2,NOISE,2024-03-15 11:00:00,B2\n"
    )
    _upload(
        contact_a_client, jurisdiction_a, "odd.csv", content, django_capture_on_commit_callbacks
    )
    dataset = Dataset.objects.get()
    assert "call_type" not in dataset.mapping["fields"]
    url = reverse("calldata:mapping", args=[dataset.pk])
    response = contact_a_client.post(url, {"field_received_at": "When"})
    assert response.status_code == 400
    assert "call type" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(
            url, {"field_call_type": "What", "field_received_at": "When", "field_beat": "Where"}
        )
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE
    assert dataset.summary["by_beat"] == [["B1", 1], ["B2", 1]]
    _upload(
        contact_a_client,
        jurisdiction_a,
        "odd-again.csv",
        content,
        django_capture_on_commit_callbacks,
    )
    again = Dataset.objects.latest("pk")
    assert again.mapping_reused
    assert again.mapping["fields"]["call_type"] == "What"


def test_a_failed_import_changes_nothing_else(
    imported_a, contact_a, django_capture_on_commit_callbacks
):
    summary = imported_a.summary
    mapping = {"fields": {"call_type": "Nature Code", "received_at": "Disposition"}}
    with django_capture_on_commit_callbacks(execute=True):
        services.dataset_set_mapping(dataset=imported_a, mapping=mapping, user=contact_a)
    imported_a.refresh_from_db()
    assert imported_a.status == Dataset.Status.FAILED
    assert "received time unreadable" in imported_a.error
    assert "first lines 2, 3, 4" in imported_a.error
    assert imported_a.summary == summary
    assert list(storage.walk(imported_a.parquet_dir))
    assert _kept(imported_a)


def test_the_import_task_is_safe_to_run_twice(imported_a):
    from calldata.tasks import import_dataset

    assert import_dataset.apply(args=[imported_a.pk]).get() == Dataset.Status.DONE
    imported_a.refresh_from_db()
    assert imported_a.rows_kept == 6


def test_progress_is_json_and_cancel_needs_post(imported_a, contact_a_client):
    data = contact_a_client.get(reverse("calldata:progress", args=[imported_a.pk])).json()
    assert data["status"] == "done" and data["progress"] == 100 and data["rows_read"] == 8
    assert contact_a_client.get(reverse("calldata:cancel", args=[imported_a.pk])).status_code == 405


def test_a_queued_import_can_be_cancelled(jurisdiction_a, contact_a, contact_a_client):
    dataset = services.dataset_upload(
        user=contact_a,
        jurisdiction=jurisdiction_a,
        upload=upload("a.csv", files.csv_text().encode()),
    )
    services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=contact_a)
    response = contact_a_client.post(reverse("calldata:cancel", args=[dataset.pk]))
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.CANCELLED
    assert services.dataset_import(dataset_id=dataset.pk) == Dataset.Status.CANCELLED


def test_a_running_import_stops_at_the_next_chunk_when_cancelled(jurisdiction_a, contact_a):
    dataset = services.dataset_upload(
        user=contact_a,
        jurisdiction=jurisdiction_a,
        upload=upload("a.csv", files.csv_text().encode()),
    )
    services.dataset_set_mapping(dataset=dataset, mapping=dataset.mapping, user=contact_a)
    Dataset.objects.filter(pk=dataset.pk).update(cancel_requested=True)
    assert services.dataset_import(dataset_id=dataset.pk) == Dataset.Status.CANCELLED
    assert not list(storage.walk(dataset.parquet_dir))


def test_the_volume_page_draws_from_the_summary(
    imported_a, contact_a_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = contact_a_client.get(reverse("calldata:volume", args=[imported_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="volume-data"' in html and "plotly.min.js" in html
    charts = json.loads(re.search(r'id="volume-data"[^>]*>(.*?)</script>', html).group(1))
    assert charts["per_month"] == [["2024-03", 6]]
    assert sum(map(sum, charts["hour_of_week"])) == 6


def test_the_taxonomy_is_confirmed_in_one_screen(imported_a, contact_a_client, contact_b_client):
    url = reverse("calldata:taxonomy", args=[imported_a.jurisdiction_id])
    assert contact_b_client.get(url).status_code == 404
    response = contact_a_client.get(url)
    form = response.context["form"]
    data = {}
    for mapping, name in form.rows:
        data[name] = mapping.category
        data[f"{name}_type"] = mapping.call_type
    noise = next(name for m, name in form.rows if m.call_type == "NOISE COMPLAINT")
    data[noise] = "behavioral_health"
    response = contact_a_client.post(url, data)
    assert response.status_code == 302
    mapping = CallTypeMapping.objects.get(call_type="NOISE COMPLAINT")
    assert mapping.category == "behavioral_health" and mapping.confirmed
    data[noise] = "not-a-category"
    assert contact_a_client.post(url, data).status_code == 400


def test_scenarios_from_a_preset_are_compared_exported_and_briefed(imported_a, contact_a_client):
    url = reverse("calldata:scenarios", args=[imported_a.jurisdiction_id])
    response = contact_a_client.post(url, {"preset": "durham-heart"})
    scenario = Scenario.objects.get()
    assert response["Location"] == reverse("calldata:scenario", args=[scenario.pk])
    assert "Durham HEART" in scenario.name and scenario.results["eligible_calls"] >= 1
    assert contact_a_client.post(url, {"preset": "nope"}).status_code == 400
    page = contact_a_client.get(url).content.decode()
    assert "Side by side" in page and "Modelled on" in page
    csv_text = contact_a_client.get(
        reverse("calldata:scenarios_csv", args=[imported_a.jurisdiction_id])
    ).content.decode()
    assert csv_text.splitlines()[1].startswith("Durham HEART")
    brief = contact_a_client.get(reverse("calldata:scenario_brief", args=[scenario.pk]))
    assert "community briefing" in brief.content.decode()


def test_the_scenarios_csv_shows_a_formula_like_name_as_text(imported_a, contact_a_client):
    url = reverse("calldata:scenarios", args=[imported_a.jurisdiction_id])
    contact_a_client.post(url, {"preset": "durham-heart"})
    Scenario.objects.update(name='=HYPERLINK("http://evil.example","x")')
    csv_text = contact_a_client.get(
        reverse("calldata:scenarios_csv", args=[imported_a.jurisdiction_id])
    ).content.decode()
    assert csv_text.splitlines()[1].startswith("\"'=HYPERLINK(")


def _criteria_form(**extra):
    data = {
        "name": "Mental health only",
        "categories": ["behavioral_health", "welfare_check"],
        "exclude_weapon": "on",
        "exclude_violence": "on",
        "hours_from": 0,
        "hours_to": 24,
        "target_share": 0.9,
        "answer_within_min": 15,
        "exclude_cancelled": "on",
    }
    data.update(extra)
    return data


def test_the_scenario_builder_previews_and_saves(imported_a, contact_a_client, contact_b_client):
    jurisdiction_id = imported_a.jurisdiction_id
    preview = reverse("calldata:scenario_preview", args=[jurisdiction_id])
    result = contact_a_client.post(preview, _criteria_form()).json()
    # WELFARE CHECK is eligible; MENTAL CASE-VIOLENT OR URGENT is excluded for violence.
    assert result["eligible_calls"] == 1
    assert result["top_call_types"][0]["call_type"] == "WELFARE CHECK"
    bad = contact_a_client.post(preview, _criteria_form(hours_to=99))
    assert bad.status_code == 400 and "hours_to" in bad.json()["errors"]
    assert contact_b_client.post(preview, _criteria_form()).status_code == 404
    new = reverse("calldata:scenario_new", args=[jurisdiction_id])
    response = contact_a_client.post(new, _criteria_form())
    scenario = Scenario.objects.get()
    assert response["Location"] == reverse("calldata:scenario", args=[scenario.pk])
    assert scenario.results["eligible_calls"] == 1
    assert contact_b_client.get(reverse("calldata:scenario", args=[scenario.pk])).status_code == 404
    assert contact_a_client.post(new, _criteria_form(answer_within_min="")).status_code == 400


def test_decision_trees_are_versioned_and_drawn(imported_a, contact_a_client):
    url = reverse("calldata:trees", args=[imported_a.jurisdiction_id])
    form = contact_a_client.get(url).context["form"]
    nodes = form.initial["nodes"]
    post = {"json-name": "Triage", "json-nodes": nodes}
    save_json = reverse("calldata:tree_save_json", args=[imported_a.jurisdiction_id])
    contact_a_client.post(save_json, {**post, "json-note": "first"})
    response = contact_a_client.post(save_json, {**post, "json-note": "second"})
    latest = DecisionTree.objects.get(version=2)
    assert response["Location"] == reverse("calldata:tree", args=[latest.pk])
    page = contact_a_client.get(reverse("calldata:tree", args=[latest.pk]))
    assert page.status_code == 200
    volumes = page.context["volumes"]
    assert sum(volumes["by_outcome"].values()) == imported_a.rows_kept
    assert 'class="tree-leaf' in page.content.decode()
    bad = contact_a_client.post(save_json, {**post, "json-nodes": '{"leaf": "moon"}'})
    assert bad.status_code == 400 and "leaf must be one of" in bad.content.decode()


def test_outcomes_are_recorded_imported_and_summarised(
    jurisdiction_a, contact_a_client, contact_b_client
):
    url = reverse("calldata:outcomes", args=[jurisdiction_a.pk])
    record = reverse("calldata:outcome_record", args=[jurisdiction_a.pk])
    import_url = reverse("calldata:outcomes_import", args=[jurisdiction_a.pk])
    assert contact_b_client.get(url).status_code == 404
    assert contact_b_client.post(record, {}).status_code == 404
    assert contact_b_client.post(import_url, {}).status_code == 404
    assert contact_a_client.post(url, {}).status_code == 405
    assert contact_a_client.get(record).status_code == 405
    missing = contact_a_client.post(record, {"call_type": "WELFARE CHECK"})
    assert missing.status_code == 400 and missing.context["form"].errors
    response = contact_a_client.post(
        record,
        {
            "occurred_on": "2024-05-02",
            "call_type": "WELFARE CHECK",
            "response_min": "12",
            "on_scene_min": "35",
            "outcome": "resolved",
            "race_ethnicity": "Black",
            "neighbourhood": "East",
        },
    )
    assert response.status_code == 302
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        b"date,call_type,response_min,on_scene_min,outcome,race_ethnicity,neighbourhood\n"
        b"2024-05-03,MENTAL HEALTH,9,50,Transported to services,White,North\n"
        b"2024-06-01,WELFARE CHECK,15,20,police_requested,,East\n"
    )
    response = contact_a_client.post(import_url, {"file": SimpleUploadedFile("o.csv", content)})
    assert response.status_code == 302
    assert OutcomeRecord.objects.count() == 3
    kpis = contact_a_client.get(url).context["kpis"]
    assert [m["month"] for m in kpis["months"]] == ["2024-05", "2024-06"]
    assert kpis["months"][0]["resolved_share"] == 0.5
    assert {
        "month": "2024-06",
        "race_ethnicity": "Not collected",
        "calls": 1,
        "police_requested": 1,
        "resolved": 0,
    } in kpis["equity_by_month"]
    bad = b"date,call_type,outcome\n2024-05-03,X,resolved\nnot-a-date,Y,resolved\n"
    response = contact_a_client.post(import_url, {"file": SimpleUploadedFile("o.csv", bad)})
    assert response.status_code == 400 and "Line 3" in response.content.decode()
    assert OutcomeRecord.objects.count() == 3
