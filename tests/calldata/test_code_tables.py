"""Code tables: code → description lists for call types, dispositions and beats, read into the
import so that every page shows descriptions and the taxonomy and markers can read them."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from calldata import selectors, services
from calldata.engine import codes
from calldata.engine.taxonomy import Classifier
from calldata.models import CallTypeMapping, CodeTable, Dataset
from tests.calldata import files
from tests.calldata.conftest import import_upload, upload

pytestmark = pytest.mark.django_db


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attach_all(jurisdiction, user) -> None:
    for name in ("call_type_codes.csv", "disposition_codes.csv", "beat_codes.csv"):
        services.code_table_create(
            user=user, jurisdiction=jurisdiction, content=files.code_table(name), name=name
        )


def _import(jurisdiction, user, content: bytes, name: str, capture) -> Dataset:
    return import_upload(jurisdiction, user, name, content, capture)


@pytest.fixture
def described(jurisdiction_a, contact_a, django_capture_on_commit_callbacks) -> Dataset:
    """The coded export imported with its three code tables attached."""
    _attach_all(jurisdiction_a, contact_a)
    return _import(
        jurisdiction_a,
        contact_a,
        files.coded_export(),
        "calls.csv",
        django_capture_on_commit_callbacks,
    )


# --- reading a code table -------------------------------------------------------------------


def test_a_csv_code_table_is_read_with_its_code_and_description_columns():
    table = codes.read_code_table(files.code_table("call_type_codes.csv"), "call_type_codes.csv")
    assert table.entries["5150"] == "Mentally ill person (5150 hold)"
    assert table.entries["SELENF"] == "Selective traffic enforcement"
    assert (table.code_column, table.description_column) == ("CALL_TYPE", "DESCRIPTION")
    assert table.kind == "call_type"


def test_a_semicolon_table_names_its_kind_in_the_headers_and_the_file_name():
    table = codes.read_code_table(files.code_table("disposition_codes.csv"), "dispositions.csv")
    assert table.entries["CAN"] == "Cancelled by caller"
    assert table.kind == "disposition"
    beats = codes.read_code_table(files.code_table("beat_codes.csv"), "areas.csv")
    assert beats.kind == "beat" and beats.entries["2B1"] == "Eastside"


def test_an_xlsx_code_table_is_read_and_numeric_codes_stay_whole():
    content = _xlsx([["Code", "Description"], [415, "Disturbance"], ["cw ", "Check on welfare"]])
    table = codes.read_code_table(content, "codes.xlsx")
    assert table.entries == {"415": "Disturbance", "CW": "Check on welfare"}
    assert table.kind == ""


def test_a_table_without_a_header_line_is_read_code_first_with_a_note():
    table = codes.read_code_table(b"415,Disturbance\n459,Burglary\n", "list.csv")
    assert table.entries == {"415": "Disturbance", "459": "Burglary"}
    assert "No header line" in table.notes[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"CODE,DESCRIPTION\n415,Disturbance\n459,\n", "line 3: the code “459” has no description"),
        (b"CODE,DESCRIPTION\n,Burglary\n", "line 2: no code for the description “Burglary”"),
        (
            b"CODE,DESCRIPTION\n415,Disturbance\n459,Burglary\n415,Noise\n",
            "line 4: the code “415” is already on line 2 with another description",
        ),
        (b"CODES\n415\n459\n", "only one column"),
        (b"\x00\x01\x02binary", "binary"),
        (b"A,B,C\n1,2,3\n", "No description column found among A, B, C"),
        (b"CODE,DESCRIPTION\n", "no codes"),
    ],
)
def test_a_bad_code_table_is_refused_naming_the_line_and_why(content, message):
    with pytest.raises(codes.CodeTableError, match=message.replace("(", r"\(")):
        codes.read_code_table(content, "codes.csv")


def test_the_classifier_reads_the_description_of_a_described_code():
    classifier = Classifier()
    assert classifier.explain("415 — Disturbance") == (
        "noise_disturbance",
        "keyword DISTURB in the description",
    )
    assert classifier.explain("415")[0] == "other"
    # A code rule still matches the code itself.
    assert classifier.explain("WELFARE — Something else")[0] == "welfare_check"


# --- the import ----------------------------------------------------------------------------


def test_an_import_of_codes_shows_descriptions_and_categorises_them(described):
    dataset = described
    types = {row["call_type"]: row["count"] for row in dataset.summary["by_call_type"]}
    assert types["5150 — MENTALLY ILL PERSON (5150 HOLD)"] == 6 * 4
    assert types["PDINFO"] == 2 * 4  # not in the table: the code alone
    beats = dict(dataset.summary["by_beat"])
    assert set(beats) == {
        "1A1 — Downtown north",
        "1A2 — Downtown south",
        "2B1 — Eastside",
        "2B2 — Riverside",
        "3C1 — Westgate",
    }
    by_category = dict(selectors.volume_by_category(dataset))
    assert by_category["other"] < dataset.rows_kept / 3
    assert by_category["behavioral_health"] == (6 + 3 + 1) * 4
    markers = dataset.report["markers"]
    assert markers["weapon"] > 0 and markers["violence"] > 0 and markers["injury"] > 0
    # "CAN — Cancelled by caller": the disposition's description marks the call cancelled.
    assert dataset.report["flagged"]["cancelled (kept, flagged)"]["count"] > 0
    tables = dataset.report["code_tables"]
    assert tables["call_type"]["name"] == "call_type_codes.csv"
    assert tables["call_type"]["not_described"] == [{"code": "PDINFO", "rows": 8}]
    assert tables["call_type"]["rows_described"] + 8 == dataset.rows_read
    assert tables["beat"]["rows_not_described"] == 0
    assert dataset.report["accounting"]["balanced"] is True


def test_without_code_tables_the_same_export_is_mostly_other(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    dataset = _import(
        jurisdiction_a,
        contact_a,
        files.coded_export(),
        "calls.csv",
        django_capture_on_commit_callbacks,
    )
    by_category = dict(selectors.volume_by_category(dataset))
    assert by_category["other"] > dataset.rows_kept / 2
    assert dataset.report["code_tables"] == {}


def test_attaching_a_table_imports_the_data_again_and_keeps_confirmed_codes(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    dataset = _import(
        jurisdiction_a,
        contact_a,
        files.coded_export(),
        "calls.csv",
        django_capture_on_commit_callbacks,
    )
    services.taxonomy_confirm(
        jurisdiction_id=jurisdiction_a.pk, categories={"SELENF": "administrative"}, user=contact_a
    )
    scenario = services.scenario_save(
        jurisdiction=jurisdiction_a,
        user=contact_a,
        name="Traffic",
        criteria={"call_types": ["SELENF", "PDINFO"], "beats": ["1A1"]},
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.code_table_create(
            user=contact_a,
            jurisdiction=jurisdiction_a,
            content=files.code_table("call_type_codes.csv"),
            name="call_type_codes.csv",
        )
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE
    assert dataset.report["code_tables"]["call_type"]["codes"] == 35
    described = CallTypeMapping.objects.get(
        jurisdiction=jurisdiction_a, call_type="SELENF — SELECTIVE TRAFFIC ENFORCEMENT"
    )
    assert (described.category, described.confirmed) == ("administrative", True)
    assert described.suggested_category == "traffic"
    scenario.refresh_from_db()
    assert scenario.criteria["call_types"] == ["SELENF — SELECTIVE TRAFFIC ENFORCEMENT", "PDINFO"]
    assert scenario.criteria["beats"] == ["1A1"]  # no beat table: unchanged
    # The raw code is kept (its confirmation stays) but counts no calls any more.
    assert CallTypeMapping.objects.get(jurisdiction=jurisdiction_a, call_type="SELENF").calls == 0


def test_a_new_table_of_the_same_kind_replaces_the_old_one_and_its_file(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.code_table_create(
            user=contact_a,
            jurisdiction=jurisdiction_a,
            content=b"CODE,DESC\n415,Disturbance\n",
            name="calls.csv",
        )
        second = services.code_table_create(
            user=contact_a,
            jurisdiction=jurisdiction_a,
            content=b"CODE,DESC\n415,Fight\n",
            name="calls.csv",
        )
    assert list(CodeTable.objects.values_list("pk", flat=True)) == [second.pk]
    assert not default_storage.exists(first.file.name)
    assert default_storage.exists(second.file.name)


def test_a_table_whose_kind_cannot_be_told_asks_for_it(jurisdiction_a, contact_a):
    with pytest.raises(ValidationError, match="Which codes does this table describe"):
        services.code_table_create(
            user=contact_a,
            jurisdiction=jurisdiction_a,
            content=b"CODE,DESCRIPTION\nX,Y\n",
            name="list.csv",
        )


def test_a_kind_left_out_is_told_by_the_codes_of_the_latest_data(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    _import(
        jurisdiction_a,
        contact_a,
        files.coded_export(),
        "calls.csv",
        django_capture_on_commit_callbacks,
    )
    table = services.code_table_create(
        user=contact_a,
        jurisdiction=jurisdiction_a,
        content=b"CODE,DESCRIPTION\n1A1,Downtown north\n2B1,Eastside\n",
        name="list.csv",
    )
    assert table.kind == "beat"


def test_code_tables_in_the_uploads_zip_are_attached_and_used(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    dataset = _import(
        jurisdiction_a,
        contact_a,
        files.coded_zip(),
        "export.zip",
        django_capture_on_commit_callbacks,
    )
    assert set(CodeTable.objects.values_list("kind", "source")) == {
        ("call_type", "export.zip"),
        ("disposition", "export.zip"),
        ("beat", "export.zip"),
    }
    assert any("attached as the call type code table" in n for n in dataset.source["notes"])
    types = {row["call_type"] for row in dataset.summary["by_call_type"]}
    assert "CW — CHECK ON WELFARE" in types


# --- pages ---------------------------------------------------------------------------------

PAGE = reverse("calldata:code_tables")


def _post_table(client, jurisdiction, content: bytes, name: str = "call_type_codes.csv", kind=""):
    return client.post(
        PAGE,
        {"jurisdiction": jurisdiction.pk, "kind": kind, "file": upload(name, content)},
    )


def test_a_contact_attaches_a_code_table_and_sees_its_codes(contact_a_client, jurisdiction_a):
    response = _post_table(
        contact_a_client, jurisdiction_a, files.code_table("call_type_codes.csv")
    )
    table = CodeTable.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "calldata:code_table", args=[table.pk]
    )
    page = contact_a_client.get(response.url).content.decode()
    assert "Mentally ill person (5150 hold)" in page and "SELENF" in page
    listed = contact_a_client.get(PAGE).content.decode()
    assert "call_type_codes.csv" in listed and "Call type" in listed


def test_a_bad_code_table_shows_the_line_and_why_and_saves_nothing(
    contact_a_client, jurisdiction_a
):
    response = _post_table(contact_a_client, jurisdiction_a, b"CODE,DESCRIPTION\n415,\n")
    assert response.status_code == 400
    assert "line 2: the code “415” has no description" in response.content.decode()
    assert not CodeTable.objects.exists()


def test_a_contact_cannot_attach_or_see_another_jurisdictions_tables(
    contact_a_client, contact_b_client, jurisdiction_a, jurisdiction_b, contact_a
):
    response = _post_table(contact_b_client, jurisdiction_a, files.code_table("beat_codes.csv"))
    assert response.status_code == 400 and not CodeTable.objects.exists()
    table = services.code_table_create(
        user=contact_a,
        jurisdiction=jurisdiction_a,
        content=files.code_table("beat_codes.csv"),
        name="beat_codes.csv",
    )
    assert contact_b_client.get(reverse("calldata:code_table", args=[table.pk])).status_code == 404
    assert (
        contact_b_client.post(reverse("calldata:code_table_delete", args=[table.pk])).status_code
        == 404
    )
    assert "beat_codes.csv" not in contact_b_client.get(PAGE).content.decode()


def test_staff_see_every_jurisdictions_tables_and_outsiders_none(
    staff_client, practitioner_client, client, contact_a, jurisdiction_a
):
    services.code_table_create(
        user=contact_a,
        jurisdiction=jurisdiction_a,
        content=files.code_table("beat_codes.csv"),
        name="beat_codes.csv",
    )
    assert "beat_codes.csv" in staff_client.get(PAGE).content.decode()
    assert practitioner_client.get(PAGE).status_code == 403
    assert client.get(PAGE).status_code == 302  # to the login page
    assert staff_client.put(PAGE).status_code == 405


def test_removing_a_code_table_deletes_its_file_and_reads_the_data_again(
    described, contact_a_client, django_capture_on_commit_callbacks
):
    dataset = described
    table = CodeTable.objects.get(kind="call_type")
    with django_capture_on_commit_callbacks(execute=True):
        response = contact_a_client.post(reverse("calldata:code_table_delete", args=[table.pk]))
    assert response.status_code == 302
    assert not default_storage.exists(table.file.name)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.DONE
    assert "5150" in {row["call_type"] for row in dataset.summary["by_call_type"]}
    assert "call_type" not in dataset.report["code_tables"]


def test_the_taxonomy_shows_the_description_beside_the_code(
    described, contact_a_client, jurisdiction_a
):
    page = contact_a_client.get(
        reverse("calldata:taxonomy", args=[jurisdiction_a.pk])
    ).content.decode()
    assert 'SELECTIVE TRAFFIC ENFORCEMENT <code class="ms-1">SELENF</code>' in page
    assert 'data-testid="taxonomy-categories"' in page


# --- API -----------------------------------------------------------------------------------

API = "/api/v1/calldata/code-tables/"


def test_the_api_lists_creates_and_deletes_code_tables(
    contact_a_client, jurisdiction_a, django_capture_on_commit_callbacks
):
    response = contact_a_client.post(
        API,
        {
            "jurisdiction": jurisdiction_a.pk,
            "kind": "disposition",
            "file": upload("codes.csv", files.code_table("disposition_codes.csv")),
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["kind"], created["codes"]) == ("disposition", 8)
    detail = contact_a_client.get(f"{API}{created['id']}/").json()
    assert detail["entries"]["CAN"] == "Cancelled by caller"
    listed = contact_a_client.get(API).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [created["id"]] and "entries" not in rows[0]
    with django_capture_on_commit_callbacks(execute=True):
        assert contact_a_client.delete(f"{API}{created['id']}/").status_code == 204
    assert not CodeTable.objects.exists()


def test_the_api_refuses_bad_files_and_other_jurisdictions(
    contact_a_client, contact_b_client, contact_a, jurisdiction_a, jurisdiction_b
):
    response = contact_a_client.post(
        API,
        {"jurisdiction": jurisdiction_a.pk, "file": upload("c.csv", b"CODE,DESCRIPTION\n,Fight\n")},
    )
    assert response.status_code == 400
    assert "line 2: no code" in response.json()["file"][0]
    response = contact_a_client.post(
        API,
        {
            "jurisdiction": jurisdiction_b.pk,
            "file": upload("beats.csv", files.code_table("beat_codes.csv")),
        },
    )
    assert response.status_code == 400 and "jurisdiction" in response.json()
    table = services.code_table_create(
        user=contact_a,
        jurisdiction=jurisdiction_a,
        content=files.code_table("beat_codes.csv"),
        name="beats.csv",
    )
    assert contact_b_client.get(f"{API}{table.pk}/").status_code == 404
    assert contact_b_client.delete(f"{API}{table.pk}/").status_code == 404
    assert contact_a_client.put(f"{API}{table.pk}/", {}).status_code == 405


def test_the_code_tables_endpoint_is_in_the_schema(staff_client):
    schema = staff_client.get("/api/schema/").content.decode()
    assert "/api/v1/calldata/code-tables/" in schema
    assert "/api/v1/calldata/code-tables/{id}/" in schema


def test_scenario_keywords_and_tree_tests_read_the_descriptions(described):
    from calldata.engine import scenario as scenario_engine
    from calldata.engine import tree as tree_engine

    dataset = described
    calls = selectors.calls_for(dataset)
    everything = scenario_engine.evaluate(
        calls, {"categories": ["violent_crime"], "exclude_weapon": False, "exclude_violence": False}
    )
    # "417 — PERSON WITH A GUN", "245 — ASSAULT WITH A DEADLY WEAPON", "418 — FIGHT - NO WEAPONS"
    without = scenario_engine.evaluate(
        calls,
        {
            "categories": ["violent_crime"],
            "exclude_weapon": False,
            "exclude_violence": False,
            "exclude_keywords": ["gun", "weapon"],
        },
    )
    mentioned = sum(
        t["count"]
        for t in everything["top_call_types"]
        if "GUN" in t["call_type"] or "WEAPON" in t["call_type"]
    )
    assert mentioned and everything["eligible_calls"] - without["eligible_calls"] == mentioned
    tree = {
        "question": "Burglary?",
        "test": {"kind": "call_type", "values": ["459 — BURGLARY"]},
        "yes": {"leaf": "police"},
        "no": {"leaf": "alternative"},
    }
    volumes = tree_engine.apply(tree, calls.frame, calls.days)
    assert {leaf["leaf"]: leaf["count"] for leaf in volumes["leaves"]}["police"] == 16


def test_an_excel_code_table_beside_the_export_in_a_zip_is_attached(
    jurisdiction_a, contact_a, django_capture_on_commit_callbacks
):
    table = _xlsx([["DISPO_CODE", "DISPO_DESC"], ["CAN", "Cancelled by caller"], ["GOA", "Gone"]])
    content = files.zip_of({"calls.csv": files.coded_export(weeks=1), "dispositions.xlsx": table})
    dataset = _import(
        jurisdiction_a, contact_a, content, "export.zip", django_capture_on_commit_callbacks
    )
    assert CodeTable.objects.get().kind == "disposition"
    assert dataset.report["code_tables"]["disposition"]["codes"] == 2
    assert dataset.report["flagged"]["cancelled (kept, flagged)"]["count"] > 0


def test_a_zip_whose_second_csv_is_not_a_code_table_is_refused_clearly(jurisdiction_a, contact_a):
    content = files.zip_of(
        {"calls.csv": files.coded_export(weeks=1), "notes.csv": b"a,b,c\n1,2,3\n"}
    )
    dataset = services.dataset_upload(
        user=contact_a, jurisdiction=jurisdiction_a, upload=upload("export.zip", content)
    )
    assert dataset.status == Dataset.Status.FAILED
    assert "“notes.csv” has other columns than “calls.csv”" in dataset.error
    assert not CodeTable.objects.exists()
