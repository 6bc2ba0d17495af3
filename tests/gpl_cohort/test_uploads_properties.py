"""Property tests: whatever bytes arrive, the shared upload rules answer with a ValidationError
(a message a person reads) or a result, never another exception, and quickly."""

from __future__ import annotations

import io
import time
import zipfile

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gpl_cohort.uploads import (
    LABELS,
    MB,
    check_upload,
    csv_rows,
    read_csv_upload,
    sniff_kind,
)
from tests.security.hostile import pdf, xlsx

PREFIXES = [b"%PDF-1.7\n", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"\xef\xbb\xbf",
            b"\xff\xfe", b"date,call_type\n", b""]  # fmt: skip


def _office() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>" + " " * 2000)
        archive.writestr("word/document.xml", "<w:document/>" * 200)
    return buffer.getvalue()


SEEDS = [pdf(2), pdf(1, password="pw"), xlsx(b"<worksheet/>"), _office()]


@st.composite
def hostile_bytes(draw: st.DrawFn) -> bytes:
    """Random bytes behind a known magic number, or a real file damaged here and there."""
    if draw(st.booleans()):
        return draw(st.sampled_from(PREFIXES)) + draw(st.binary(max_size=3000))
    content = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, len(content) - 1))
        content[position] = draw(st.integers(0, 255))
    return bytes(content[: draw(st.integers(0, len(content)))])


FAST = settings(max_examples=300, deadline=3000, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(content=hostile_bytes(), name=st.text(max_size=200))
def test_check_upload_answers_any_bytes_with_a_result_or_a_message(content: bytes, name: str):
    started = time.monotonic()
    kind = sniff_kind(io.BytesIO(content))
    assert kind is None or kind in LABELS
    try:
        upload = SimpleUploadedFile(name, content)
    except SuspiciousFileOperation:  # Django refuses such a name before any view sees it
        upload = SimpleUploadedFile("file", content)
    try:
        checked = check_upload(upload, allowed=tuple(LABELS), max_bytes=MB, count_pages=True)
    except ValidationError as error:
        assert all(message.strip() for message in error.messages)
    else:
        assert checked.kind == kind and checked.original_name
        assert "/" not in checked.original_name and "\\" not in checked.original_name
    assert time.monotonic() - started < 3


@FAST
@given(content=st.binary(max_size=5000) | st.text(max_size=3000).map(str.encode))
def test_csv_text_and_rows_answer_any_bytes_with_rows_or_a_message(content: bytes):
    upload = SimpleUploadedFile("attendance.csv", content)
    try:
        rows = list(csv_rows(read_csv_upload(upload, max_bytes=MB), name="attendance.csv"))
    except ValidationError as error:
        assert all(message.strip() for message in error.messages)
    else:
        assert all(isinstance(cell, str) and "\x00" not in cell for row in rows for cell in row)


def test_an_office_file_whose_compressed_part_is_corrupt_gets_a_message():
    """Found by the property test above: a part whose deflated bytes are damaged made zlib
    raise from inside the archive check (a 500 on upload)."""
    from gpl_cohort.uploads import check_archive

    content = bytearray(_office())
    # The first byte of the first part's deflated data (after its 30-byte local header and
    # name): 0xFF makes an invalid block type.
    content[30 + len("[Content_Types].xml")] = 0xFF
    try:
        check_archive(io.BytesIO(bytes(content)), name="letter.docx")
    except ValidationError as error:
        assert "letter.docx" in error.messages[0]
    else:
        raise AssertionError("a corrupt part passed the archive check")
