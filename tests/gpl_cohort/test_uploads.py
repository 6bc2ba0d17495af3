"""The shared upload rules against malformed and hostile files: refused with a message, fast."""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from gpl_cohort.uploads import MB, Kind, check_upload, safe_filename, sniff_kind, storage_name


def pdf_bytes(pages: int = 1, *, javascript: str | None = None, password: str | None = None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if javascript:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject(javascript),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def check_pdf(content: bytes, name: str = "file.pdf"):
    return check_upload(
        upload(content, name), allowed=(Kind.PDF,), max_bytes=20 * MB, count_pages=True
    )


def test_a_good_pdf_is_accepted_with_its_page_count():
    checked = check_pdf(pdf_bytes(3))
    assert (checked.kind, checked.pages) == (Kind.PDF, 3)


def test_an_empty_file_is_refused_by_name():
    with pytest.raises(ValidationError, match="is empty"):
        check_pdf(b"", "budget.pdf")


def test_a_file_over_the_size_cap_is_refused_before_it_is_read():
    big = upload(b"%PDF-1.4" + b"0" * (2 * MB))
    with pytest.raises(ValidationError, match="the limit is 1 MB"):
        check_upload(big, allowed=(Kind.PDF,), max_bytes=1 * MB)


def test_a_program_renamed_pdf_is_refused_by_its_content():
    with pytest.raises(ValidationError, match="Accepted: PDF"):
        check_pdf(b"MZ\x90\x00\x03" + bytes(range(256)) * 4, "letter.pdf")


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(ValidationError, match="password-protected"):
        check_pdf(pdf_bytes(1, password="secret"))


def test_a_corrupt_pdf_is_refused():
    with pytest.raises(ValidationError, match=r"damaged|no pages"):
        check_pdf(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ntrailer garbage\n%%EOF")


def test_a_pdf_with_javascript_is_refused():
    with pytest.raises(ValidationError, match="JavaScript"):
        check_pdf(pdf_bytes(1, javascript="app.alert('hello');"))


def test_a_huge_pdf_is_counted_within_a_time_bound():
    content = pdf_bytes(2000)
    started = time.monotonic()
    assert check_pdf(content).pages == 2000
    assert time.monotonic() - started < 20


def test_a_zip_bomb_is_only_listed_never_inflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("calls.csv", b"0" * (200 * MB))  # ~200 KB compressed
    started = time.monotonic()
    assert sniff_kind(io.BytesIO(buffer.getvalue())) == Kind.ZIP
    assert time.monotonic() - started < 2


def test_a_docx_is_told_apart_from_an_xlsx_and_a_zip():
    def office(folder: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr(f"{folder}/document.xml", "<x/>")
        return buffer.getvalue()

    assert sniff_kind(io.BytesIO(office("word"))) == Kind.DOCX
    assert sniff_kind(io.BytesIO(office("xl"))) == Kind.XLSX
    with pytest.raises(ValidationError, match="Word document"):
        check_pdf(office("word"), "answers.pdf")


def test_a_truncated_zip_is_not_trusted():
    assert sniff_kind(io.BytesIO(b"PK\x03\x04" + b"\x00" * 100)) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("/absolute/path/letter.pdf", "letter.pdf"),
        ("bad\x00name\r\n.pdf", "bad_name_.pdf"),
        ("....", "file"),
        ("Lettre de soutien — Maire.pdf", "Lettre de soutien _ Maire.pdf"),
    ],
)
def test_file_names_never_carry_a_path_or_control_characters(name, expected):
    assert safe_filename(name) == expected


def test_storage_names_are_random_and_ignore_the_users_name():
    first, second = storage_name("letters", Kind.PDF), storage_name("letters", Kind.PDF)
    assert first != second
    assert first.startswith("letters/") and first.endswith(".pdf")
    assert ".." not in first


def _real_xlsx(rows: int = 50) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for i in range(rows):
        workbook.active.append([f"2024-05-{i % 28 + 1:02d}", "WELFARE CHECK", i])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_real_workbook_passes_the_archive_guard():
    from gpl_cohort.uploads import check_xlsx

    check_xlsx(io.BytesIO(_real_xlsx()), name="calls.xlsx")


@pytest.mark.parametrize(
    ("hostile_id", "message"),
    [
        ("zip-bomb-xlsx", "zip bomb"),
        ("zip-bomb-zip", "zip bomb"),
        ("billion-laughs-xlsx", "declares XML entities"),
        ("xxe-xlsx", "declares XML entities"),
    ],
)
def test_zip_bombs_and_xml_entities_are_refused_from_the_listing_fast(hostile_id, message):
    from gpl_cohort.uploads import check_archive
    from tests.security.hostile import BY_ID

    content = bytes(BY_ID[hostile_id])
    started = time.monotonic()
    with pytest.raises(ValidationError, match=message):
        check_archive(io.BytesIO(content), name="calls.xlsx")
    assert time.monotonic() - started < 1


def test_an_archive_over_the_unpacked_size_limit_is_refused():
    from gpl_cohort.uploads import check_archive

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("a.csv", b"x" * (2 * MB))
    with pytest.raises(ValidationError, match="would unpack to 2 MB; the limit is 1 MB"):
        check_archive(io.BytesIO(buffer.getvalue()), name="a.zip", max_total_bytes=1 * MB)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("letter.pdf.exe", "letter.pdf"),
        ("letter.PDF", "letter.PDF"),
        ("scan", "scan.pdf"),
        ("invoice\u202efdp.exe", "invoice_fdp.pdf"),
        ("a" * 300 + ".exe", "a" * 146 + ".pdf"),
    ],
)
def test_a_stored_name_always_ends_with_the_extension_of_its_content(name, expected):
    assert check_pdf(pdf_bytes(1), name).original_name == expected


def test_every_pdf_is_opened_even_where_pages_are_not_counted():
    with pytest.raises(ValidationError, match="JavaScript"):
        check_upload(
            upload(pdf_bytes(1, javascript="app.alert(1)")), allowed=(Kind.PDF,), max_bytes=MB
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"email\n\x81\x8d\x8f\n", "not text we can read"),
        (b"email\n" + b"a@b.gov\n" * 1000 + b"Ann\x00\n", "NUL characters"),
        (b"email,name\na@b.gov,Ann\x00\n", "a type we cannot read"),
        ("email\n".encode("utf-16"), "NUL characters|a type we cannot read"),
    ],
)
def test_a_csv_that_would_not_decode_or_store_is_refused_before_parsing(content, message):
    from gpl_cohort.uploads import read_csv_upload

    with pytest.raises(ValidationError, match=message):
        read_csv_upload(upload(content, "a.csv"), max_bytes=MB)


def test_csv_rows_turn_parser_errors_and_absurd_widths_into_messages():
    from gpl_cohort.uploads import csv_rows

    assert list(csv_rows("a,b\n1,2\n", name="a.csv")) == [["a", "b"], ["1", "2"]]
    with pytest.raises(ValidationError, match="cannot be read as CSV at line 2"):
        list(csv_rows("email\n" + "x" * 200_000 + "\n", name="a.csv"))
    with pytest.raises(ValidationError, match="1,000 columns at line 1; the limit is 500"):
        list(csv_rows(",".join(["c"] * 1000), name="a.csv"))
