"""Reading a new export, through the pages and the API: the time zone and the address parts on
the mapping page, the midnight warning, reading settings (codes, priority scale) and the
dataset page's accounting line."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from django.urls import reverse

from calldata import selectors, services
from calldata.engine.pipeline import read_parquet
from calldata.engine.scenario import Calls, evaluate
from calldata.engine.scenario_table import table_from_frame
from calldata.models import Dataset, ReadingSettings, Scenario
from tests.calldata import exports, files
from tests.calldata.conftest import upload

pytestmark = pytest.mark.django_db

DATASETS = "/api/v1/calldata/datasets/"
READING = "/api/v1/calldata/reading-settings/"


def _uploaded(client, jurisdiction, name: str, content: bytes) -> Dataset:
    response = client.post(
        reverse("calldata:index"), {"jurisdiction": jurisdiction.pk, "file": upload(name, content)}
    )
    assert response.status_code == 302
    return Dataset.objects.latest("pk")


def _imported(client, jurisdiction, text: str, callbacks) -> Dataset:
    """Uploaded and imported with the proposed mapping."""
    dataset = _uploaded(client, jurisdiction, "export.csv", text.encode())
    with callbacks(execute=True):
        client.post(reverse("calldata:mapping", args=[dataset.pk]), _form(dataset))
    dataset.refresh_from_db()
    return dataset


def _form(dataset: Dataset, **extra: str) -> dict:
    data = {f"field_{k}": v for k, v in dataset.mapping["fields"].items()}
    data |= {f"address_{k}": v for k, v in dataset.mapping.get("address_parts", {}).items()}
    return data | extra


def test_the_mapping_page_shows_the_proposed_time_zone_and_where_it_came_from(
    contact_a_client, jurisdiction_a
):
    dataset = _uploaded(contact_a_client, jurisdiction_a, "sj.csv", exports.SAN_JOSE.encode())
    page = contact_a_client.get(reverse("calldata:mapping", args=[dataset.pk])).content.decode()
    assert jurisdiction_a.time_zone in page
    assert f"the time zone of {jurisdiction_a} (its jurisdiction profile)" in page
    assert 'name="time_zone"' in page
    assert "REPORT_DATE" in page  # in the preview, not chosen as the received time
    assert dataset.mapping["fields"]["received_at"] == "CDTS"


def test_the_mapping_page_of_a_zip_of_exports_and_code_tables_shows_them_and_the_zone(
    contact_a_client, jurisdiction_a
):
    content = files.zip_of(
        {
            "calls-march.csv": files.coded_export(weeks=2),
            "calls-april.csv": files.coded_export(weeks=2).replace(b"\n24-0", b"\n24-1"),
            "call_type_codes.csv": files.code_table("call_type_codes.csv"),
            "beat_codes.csv": files.code_table("beat_codes.csv"),
        }
    )
    dataset = _uploaded(contact_a_client, jurisdiction_a, "spring.zip", content)
    page = contact_a_client.get(reverse("calldata:mapping", args=[dataset.pk])).content.decode()
    # Part A: the time zone, changeable, and where it came from.
    assert 'name="time_zone"' in page
    assert f"the time zone of {jurisdiction_a} (its jurisdiction profile)" in page
    # Part B: the exports read as one and the code tables found beside them.
    assert "from 2 exports inside the .zip, read as one" in page
    assert "“calls-april.csv”, “calls-march.csv”" in page
    assert "attached as the call type code table" in page
    assert "attached as the beat / area code table" in page
    used = re.search(r'data-testid="code-tables-used">(.*?)</p>', page, re.S).group(1)
    assert "call type (“call_type_codes.csv”" in used and "from this .zip" in used
    assert "beat / area (“beat_codes.csv”" in used


def test_a_time_zone_chosen_on_the_mapping_page_is_used_by_the_import(
    contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks
):
    jurisdiction_a.time_zone = "America/New_York"
    jurisdiction_a.save()
    dataset = _uploaded(contact_a_client, jurisdiction_a, "sj.csv", exports.SAN_JOSE.encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(
            reverse("calldata:mapping", args=[dataset.pk]),
            _form(dataset, time_zone="America/Los_Angeles"),
        )
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE, dataset.error
    assert dataset.time_zone == "America/Los_Angeles"
    assert "when confirming the mapping" in dataset.time_zone_origin
    assert dataset.report["time_zone"] == "America/Los_Angeles"
    assert dataset.report["date_range"][0].startswith("2024-03-01T00:15:12-08:00")


def test_an_unknown_time_zone_is_refused_on_the_mapping_page(contact_a_client, jurisdiction_a):
    dataset = _uploaded(contact_a_client, jurisdiction_a, "sj.csv", exports.SAN_JOSE.encode())
    response = contact_a_client.post(
        reverse("calldata:mapping", args=[dataset.pk]), _form(dataset, time_zone="Mars/Olympus")
    )
    assert response.status_code == 400
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.MAPPING


def test_received_times_all_at_midnight_warn_before_the_import_is_accepted(
    contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks
):
    dataset = _uploaded(contact_a_client, jurisdiction_a, "m.csv", exports.MIDNIGHT.encode())
    url = reverse("calldata:mapping", args=[dataset.pk])
    page = contact_a_client.get(url).content.decode()
    assert "at midnight" in page and 'name="accept_clock_warning"' in page
    response = contact_a_client.post(url, _form(dataset))
    assert response.status_code == 400
    assert "at midnight" in response.content.decode()
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.MAPPING
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(url, _form(dataset, accept_clock_warning="on"))
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE
    assert dataset.warning_count >= 1
    assert dataset.status_text == "Imported with warnings"
    page = contact_a_client.get(reverse("calldata:dataset", args=[dataset.pk])).content.decode()
    assert "Imported with warnings" in page and "midnight" in page


def test_a_split_address_is_chosen_on_the_mapping_page_and_assembled(
    contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks
):
    dataset = _uploaded(contact_a_client, jurisdiction_a, "a.csv", exports.SPLIT_ADDRESS.encode())
    page = contact_a_client.get(reverse("calldata:mapping", args=[dataset.pk])).content.decode()
    assert 'name="address_road"' in page
    form = _form(dataset)
    form.pop("address_cross")
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(reverse("calldata:mapping", args=[dataset.pk]), form)
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.mapping["address_parts"] == {
        "number": "Street Number",
        "direction": "Street Direction",
        "road": "Street Name",
        "suffix": "Street Suffix",
    }
    filesystem, path = selectors.parquet_location(dataset)
    calls = read_parquet(path, filesystem=filesystem)
    assert "45 ELM AVE" in set(calls["address"])


def test_one_address_column_and_address_parts_together_are_refused(
    contact_a_client, jurisdiction_a
):
    dataset = _uploaded(contact_a_client, jurisdiction_a, "a.csv", exports.SPLIT_ADDRESS.encode())
    response = contact_a_client.post(
        reverse("calldata:mapping", args=[dataset.pk]), _form(dataset, field_address="Nature")
    )
    assert response.status_code == 400
    assert "either one address column or the parts" in response.content.decode()


def test_the_dataset_page_shows_every_row_accounted_for_in_one_line(
    contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks
):
    dataset = _imported(
        contact_a_client, jurisdiction_a, exports.DISPOSITIONS, django_capture_on_commit_callbacks
    )
    page = contact_a_client.get(reverse("calldata:dataset", args=[dataset.pk])).content.decode()
    assert (
        "12 rows read = 6 calls kept + 1 rejected + 4 dropped (not calls) + 1 empty + 0 merged"
    ) in page
    assert "disposition DUP" in page


def test_reading_settings_are_proposed_then_saved_by_the_contact(contact_a_client, jurisdiction_a):
    url = reverse("calldata:reading", args=[jurisdiction_a.pk])
    page = contact_a_client.get(url).content.decode()
    assert "proposed from published CAD code lists" in page and "DUPNCAN" in page
    response = contact_a_client.post(
        url,
        {
            "priority_order": "lower",
            "priority_most_urgent": "0",
            "not_a_call_codes": "DUP, VOID",
            "cancelled_codes": "CAN\nXCAN",
            "unfounded_codes": "",
            "unknown_values": "-1, UNK",
        },
    )
    assert response.status_code == 302
    saved = ReadingSettings.objects.get(jurisdiction=jurisdiction_a)
    assert saved.rules().cancelled == ("CAN", "XCAN")
    assert saved.priority_most_urgent == 0


def test_reading_settings_need_the_priority_question_answered(contact_a_client, jurisdiction_a):
    response = contact_a_client.post(
        reverse("calldata:reading", args=[jurisdiction_a.pk]), {"not_a_call_codes": "DUP"}
    )
    assert response.status_code == 400
    assert not ReadingSettings.objects.exists()


def test_another_jurisdictions_reading_settings_are_not_found(
    contact_b_client, jurisdiction_a, practitioner_client
):
    url = reverse("calldata:reading", args=[jurisdiction_a.pk])
    assert contact_b_client.get(url).status_code == 404
    assert contact_b_client.post(url, {"priority_order": "lower"}).status_code == 404
    assert practitioner_client.get(url).status_code == 403
    assert contact_b_client.get(f"{READING}{jurisdiction_a.pk}/").status_code == 404
    assert (
        contact_b_client.patch(
            f"{READING}{jurisdiction_a.pk}/",
            {"priority_order": "lower"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_reading_settings_through_the_api(contact_a_client, jurisdiction_a):
    url = f"{READING}{jurisdiction_a.pk}/"
    proposed = contact_a_client.get(url).json()
    assert "CAN" in proposed["cancelled_codes"] and proposed["priority_asked"] is False
    response = contact_a_client.patch(
        url,
        {"priority_order": "higher", "priority_most_urgent": 5},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["priority_asked"] is True
    bad = contact_a_client.patch(
        url, {"priority_order": "sideways"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert [item["jurisdiction"] for item in contact_a_client.get(READING).json()["results"]] == [
        jurisdiction_a.pk
    ]


def test_the_mapping_api_takes_a_time_zone_and_address_parts(
    contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks
):
    response = contact_a_client.post(
        DATASETS,
        {
            "jurisdiction": jurisdiction_a.pk,
            "file": upload("a.csv", exports.SPLIT_ADDRESS.encode()),
        },
    )
    body = response.json()
    assert body["time_zone"] == jurisdiction_a.time_zone and body["time_zone_origin"]
    mapping = {
        "fields": body["mapping"]["fields"],
        "address_parts": {"road": "Street Name", "number": "Street Number"},
        "time_zone": "America/Denver",
    }
    bad = contact_a_client.post(
        f"{DATASETS}{body['id']}/mapping/",
        {**mapping, "address_parts": {"floor": "Street Name"}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(
            f"{DATASETS}{body['id']}/mapping/", mapping, content_type="application/json"
        )
    assert response.status_code == 202, response.content
    dataset = Dataset.objects.get(pk=body["id"])
    assert dataset.status == Dataset.Status.DONE
    assert dataset.report["time_zone"] == "America/Denver"


def test_the_mapping_api_refuses_midnight_times_until_accepted(
    contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks
):
    body = contact_a_client.post(
        DATASETS,
        {"jurisdiction": jurisdiction_a.pk, "file": upload("m.csv", exports.MIDNIGHT.encode())},
    ).json()
    url = f"{DATASETS}{body['id']}/mapping/"
    mapping = {"fields": body["mapping"]["fields"]}
    refused = contact_a_client.post(url, mapping, content_type="application/json")
    assert refused.status_code == 400
    assert "midnight" in refused.json()["accept_clock_warning"][0]
    with django_capture_on_commit_callbacks(execute=True):
        accepted = contact_a_client.post(
            url, {**mapping, "accept_clock_warning": True}, content_type="application/json"
        )
    assert accepted.status_code == 202
    detail = contact_a_client.get(f"{DATASETS}{body['id']}/").json()
    assert detail["status_label"] == "Imported with warnings"
    assert detail["warning_count"] == 1
    assert detail["report"]["warnings"][0]["kind"] == "midnight"


def test_presets_exclude_the_most_urgent_calls_on_the_jurisdictions_own_scale(
    contact_a, jurisdiction_a
):
    services.reading_settings_save(
        jurisdiction=jurisdiction_a,
        user=contact_a,
        values={"priority_order": "lower", "priority_most_urgent": 0},
    )
    scenario = services.scenario_from_preset(
        jurisdiction=jurisdiction_a, user=contact_a, key="denver-star"
    )
    assert scenario.criteria["exclude_priority_at_or_above"] == 0
    services.reading_settings_save(
        jurisdiction=jurisdiction_a,
        user=contact_a,
        values={"priority_order": "higher", "priority_most_urgent": 5},
    )
    scenario.refresh_from_db()
    assert scenario.criteria["priority_higher_is_urgent"] is True
    again = services.scenario_from_preset(
        jurisdiction=jurisdiction_a, user=contact_a, key="denver-star"
    )
    assert again.criteria["exclude_priority_at_or_above"] == 5
    assert Scenario.objects.count() == 2


def test_the_scenario_engine_reads_the_priority_scale_in_both_directions():
    frame = pd.DataFrame(
        {
            "call_type": pd.Categorical(["WELFARE CHECK"] * 3),
            "priority_level": pd.array([0, 1, 5], dtype="Int16"),
            "received_at": pd.to_datetime(["2024-05-01 10:00"] * 3, utc=True),
            "local_date": pd.to_datetime(["2024-05-01"] * 3),
            "hour": np.array([10, 10, 10], dtype="int8"),
            "how": np.array([10, 10, 10], dtype="int16"),
            "cancelled": [False] * 3,
        }
    )
    calls = Calls(table=table_from_frame(frame), categories={"WELFARE CHECK": "welfare_check"})
    base = {"categories": ["welfare_check"], "exclude_weapon": False, "exclude_violence": False}
    lower = evaluate(calls, {**base, "exclude_priority_at_or_above": 0})
    higher = evaluate(
        calls, {**base, "exclude_priority_at_or_above": 5, "priority_higher_is_urgent": True}
    )
    assert lower["eligible_calls"] == 2
    assert higher["eligible_calls"] == 2


def test_a_cut_off_file_is_imported_with_warnings_never_a_plain_success(
    contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks
):
    dataset = _uploaded(contact_a_client, jurisdiction_a, "t.csv", exports.TRUNCATED.encode())
    mapping_page = contact_a_client.get(reverse("calldata:mapping", args=[dataset.pk]))
    assert "The file is cut off: its last line (line 5)" in mapping_page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        contact_a_client.post(reverse("calldata:mapping", args=[dataset.pk]), _form(dataset))
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE and dataset.warning_count == 1
    page = contact_a_client.get(reverse("calldata:dataset", args=[dataset.pk])).content.decode()
    assert "Imported with warnings" in page
    assert "line 5" in page and "34 bytes after the last complete line" in page
    assert "line 0" not in page
    listing = contact_a_client.get(reverse("calldata:index")).content.decode()
    assert "Imported with warnings" in listing


def test_the_scenarios_page_asks_the_priority_scale_once_then_states_it(
    contact_a_client, contact_a, jurisdiction_a
):
    url = reverse("calldata:scenarios", args=[jurisdiction_a.pk])
    assert "Which end of" in contact_a_client.get(url).content.decode()
    services.reading_settings_save(
        jurisdiction=jurisdiction_a,
        user=contact_a,
        values={"priority_order": "lower", "priority_most_urgent": 0},
    )
    page = contact_a_client.get(url).content.decode()
    assert "Which end of" not in page and "the most urgent is 0" in page
    new = contact_a_client.get(reverse("calldata:scenario_new", args=[jurisdiction_a.pk]))
    assert "0 = most urgent, lower numbers more urgent" in new.content.decode()


def test_unknown_beats_are_neither_charted_nor_offered_as_a_beat(
    contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks
):
    dataset = _imported(
        contact_a_client, jurisdiction_a, exports.DISPOSITIONS, django_capture_on_commit_callbacks
    )
    dataset.refresh_from_db()
    beats = [row[0] for row in dataset.summary["by_beat"]]
    assert "-1" not in beats and "UNK" not in beats and "0" not in beats
    volume = contact_a_client.get(reverse("calldata:volume", args=[dataset.pk])).content.decode()
    charted = re.search(r'"by_beat": (\[.*?\]\])', volume)
    assert charted is not None and "(blank)" not in charted.group(1)
    new = contact_a_client.get(reverse("calldata:scenario_new", args=[jurisdiction_a.pk]))
    beats_select = re.search(r'<select name="beats".*?</select>', new.content.decode(), re.S)
    offered = re.findall(r'<option value="([^"]*)"', beats_select.group(0))
    assert sorted(offered) == ["B1", "B2", "B3"]


def test_stamps_naming_another_zone_than_the_jurisdictions_are_pointed_out(
    contact_a_client, jurisdiction_a
):
    jurisdiction_a.time_zone = "America/New_York"
    jurisdiction_a.save()
    dataset = _uploaded(contact_a_client, jurisdiction_a, "sj.csv", exports.SAN_JOSE.encode())
    assert dataset.time_zone == "America/New_York"  # the default stays the jurisdiction's
    page = contact_a_client.get(reverse("calldata:mapping", args=[dataset.pk])).content.decode()
    assert "names America/Los_Angeles, not America/New_York" in page


def test_importing_again_applies_the_jurisdictions_new_codes(
    contact_a_client, contact_a, jurisdiction_a, django_capture_on_commit_callbacks
):
    dataset = _imported(
        contact_a_client, jurisdiction_a, exports.DISPOSITIONS, django_capture_on_commit_callbacks
    )
    assert dataset.report["dropped"]["disposition DUP"]["count"] == 2
    page = contact_a_client.get(reverse("calldata:dataset", args=[dataset.pk])).content.decode()
    assert reverse("calldata:mapping", args=[dataset.pk]) in page
    services.reading_settings_save(
        jurisdiction=jurisdiction_a,
        user=contact_a,
        values={"not_a_call_codes": "VOID", "cancelled_codes": "CAN, DUP"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        contact_a_client.post(reverse("calldata:mapping", args=[dataset.pk]), _form(dataset))
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE
    assert "disposition DUP" not in dataset.report["dropped"]
    # D2 and D4 (DUP), D3 (CAN); D9's DUP record is merged with its ADV record.
    assert dataset.report["flagged"]["cancelled (kept, flagged)"]["count"] == 3
    assert dataset.report["accounting"]["balanced"] is True


def test_the_priority_question_shows_each_levels_usual_call_types_as_a_hint(
    imported_a, contact_a_client
):
    page = contact_a_client.get(
        reverse("calldata:reading", args=[imported_a.jurisdiction_id])
    ).content.decode()
    hint = re.search(r'data-testid="priority-hint".*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr><td>(\d+)</td><td class=\"text-end\">(\d+)</td><td>([^<]*)</td>", hint)
    by_level = {int(level): (int(calls), types) for level, calls, types in rows}
    assert by_level[1] == (1, "MENTAL CASE-VIOLENT OR URGENT")
    assert sum(calls for calls, _ in by_level.values()) == imported_a.rows_kept
    assert "100%" in hint  # priority 1's one call carries the violence marker


def test_staff_uploading_for_a_jurisdiction_get_its_zone_not_their_own(
    staff_client, staff_user, jurisdiction_b
):
    staff_user.time_zone = "America/New_York"
    staff_user.save()
    jurisdiction_b.time_zone = "America/Los_Angeles"
    jurisdiction_b.save()
    dataset = _uploaded(staff_client, jurisdiction_b, "sj.csv", exports.SAN_JOSE.encode())
    assert dataset.time_zone == "America/Los_Angeles"
    page = staff_client.get(reverse("calldata:mapping", args=[dataset.pk])).content.decode()
    assert f"the time zone of {jurisdiction_b} (its jurisdiction profile)" in page
    assert '<option value="America/Los_Angeles" selected>' in page


SEPARATE_TIMES = (
    "Event Number,Nature,Call Date,Call Time,Dispatch Date,Dispatch Time,Clear Time\n"
    "E1,WELFARE CHECK,2024-06-01,23:40:00,2024-06-01,23:50:00,00:35:00\n"
    "E2,NOISE,2024-06-02,10:00:00,2024-06-02,10:05:00,10:45:00\n"
)


def test_later_times_in_two_columns_are_chosen_on_the_mapping_page(
    contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks
):
    dataset = _uploaded(contact_a_client, jurisdiction_a, "t.csv", SEPARATE_TIMES.encode())
    url = reverse("calldata:mapping", args=[dataset.pk])
    page = contact_a_client.get(url).content.decode()
    assert 'name="clock_dispatched_at"' in page
    form = _form(dataset) | {
        f"clock_{k}": v for k, v in dataset.mapping["clock_columns"].items() if k != "cleared_at"
    }
    form.pop("field_cleared_at")
    with django_capture_on_commit_callbacks(execute=True):
        assert contact_a_client.post(url, form).status_code == 302
    dataset.refresh_from_db()
    assert dataset.mapping["clock_columns"] == {"dispatched_at": "Dispatch Time"}
    assert dataset.report["timestamps"]["dispatched_at"]["missing"] == 0
    assert "cleared_at" not in dataset.report["timestamps"]


def test_the_mapping_api_takes_clock_columns_and_refuses_unknown_fields(
    contact_a_client, jurisdiction_a
):
    body = contact_a_client.post(
        DATASETS,
        {"jurisdiction": jurisdiction_a.pk, "file": upload("t.csv", SEPARATE_TIMES.encode())},
    ).json()
    assert body["mapping"]["clock_columns"]["dispatched_at"] == "Dispatch Time"
    refused = contact_a_client.post(
        f"{DATASETS}{body['id']}/mapping/",
        {"fields": body["mapping"]["fields"], "clock_columns": {"received_at": "Call Time"}},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "clock_columns" in refused.json()
