"""A contact whose CAD export holds codes ("5150", "CW", "415", "SELENF") attaches the code
table, uploads the export, imports it with the proposed mapping, and reads the taxonomy in
words, with "Other" under a third of the calls."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.calldata import files

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_contact_attaches_a_code_table_and_the_taxonomy_reads_descriptions(
    contact_a, password, page, log_in, screenshot, tmp_path
):
    log_in(contact_a.email, password)
    page.get_by_role("link", name="911 call data").first.click()
    page.get_by_role("link", name="Attach its code tables").click()
    table = tmp_path / "call_type_codes.csv"
    table.write_bytes(files.code_table("call_type_codes.csv"))
    page.get_by_label("Code table file").set_input_files(str(table))
    screenshot(page, "attach")
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("heading", name=re.compile("Call type codes"))).to_be_visible()
    expect(page.get_by_test_id("code-table-entries")).to_contain_text(
        "Selective traffic enforcement"
    )
    screenshot(page, "table")

    page.get_by_role("link", name="Datasets").click()
    export = tmp_path / "cad-export-march.csv"
    export.write_bytes(files.coded_export())
    page.get_by_label("CAD calls-for-service export").set_input_files(str(export))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/mapping/")
    assert page.get_by_label("Call type / nature code").input_value() == "CALL_TYPE"
    page.get_by_role("button", name="Import with this mapping").click()
    page.get_by_test_id("import-done").wait_for(timeout=30_000)
    screenshot(page, "report")

    page.get_by_role("link", name="Call-type taxonomy").first.click()
    rows = page.get_by_test_id("taxonomy")
    expect(rows).to_contain_text("MENTALLY ILL PERSON (5150 HOLD)")
    expect(rows.get_by_role("row", name=re.compile(r"CHECK ON WELFARE CW"))).to_be_visible()
    expect(rows).to_contain_text("SELECTIVE TRAFFIC ENFORCEMENT")
    categories = page.get_by_test_id("taxonomy-categories")
    other = categories.get_by_role("row", name=re.compile("^Other"))
    share = float(other.locator("td").nth(2).inner_text().rstrip("%"))
    assert share < 100 / 3
    screenshot(page, "taxonomy")


def test_code_tables_in_the_uploads_zip_are_attached_and_read(
    contact_a, password, page, log_in, screenshot, tmp_path
):
    log_in(contact_a.email, password)
    page.get_by_role("link", name="911 call data").first.click()
    export = tmp_path / "cad-export-with-codes.zip"
    # Two months of one system in one .zip, beside its code tables; the second month marks
    # its duplicate records DUP, a code the disposition table does not describe.
    months = {
        "calls-2024-03.csv": files.coded_export(weeks=2),
        "calls-2024-04.csv": files.coded_export(weeks=2)
        .replace(b"\n24-0", b"\n24-1")
        .replace(b",HAN,", b",DUP,"),
    }
    tables = {
        f"codes/{name}": files.code_table(name)
        for name in ("call_type_codes.csv", "disposition_codes.csv", "beat_codes.csv")
    }
    export.write_bytes(files.zip_of(months | tables))
    duplicates = months["calls-2024-04.csv"].count(b",DUP,")
    page.get_by_label("CAD calls-for-service export").set_input_files(str(export))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/mapping/")
    expect(page.get_by_text("attached as the call type code table")).to_be_visible()
    expect(page.get_by_text("attached as the disposition code table")).to_be_visible()
    # Both halves of the mapping page: the exports read as one and the tables in use, and
    # the time zone with where it came from.
    expect(page.get_by_text("from 2 exports inside the .zip, read as one")).to_be_visible()
    expect(page.get_by_test_id("code-tables-used")).to_contain_text("from this .zip")
    expect(page.get_by_test_id("time-zone")).to_contain_text("its jurisdiction profile")
    screenshot(page, "mapping")
    page.get_by_role("button", name="Import with this mapping").click()
    page.get_by_test_id("import-done").wait_for(timeout=30_000)
    report = page.get_by_test_id("code-table-report")
    expect(report).to_contain_text("disposition_codes.csv")
    expect(report).to_contain_text("PDINFO")
    rows = 4 * sum(files.CODED_MIX.values())  # two files of two weeks
    expect(page.get_by_test_id("accounting")).to_contain_text(
        f"{rows} rows read = {rows - duplicates} calls kept + 0 rejected + {duplicates} dropped"
    )
    expect(page.get_by_text("disposition DUP")).to_be_visible()
    screenshot(page, "report")
    page.get_by_role("link", name="Code tables").first.click()
    expect(page.get_by_test_id("code-tables")).to_contain_text("beat_codes.csv")
    expect(page.get_by_test_id("code-tables")).to_contain_text("cad-export-with-codes.zip")
