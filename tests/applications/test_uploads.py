"""The 10-page limit across an application's uploaded material, counted with pypdf."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import ApplicationDocument
from applications.services import (
    application_document_add,
    application_document_remove,
    application_pages,
)
from tests.applications.factories import ApplicationFactory, docx_bytes, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return ApplicationFactory()


def _add(draft, upload, user=None):
    return application_document_add(application=draft, upload=upload, by=user)


def test_a_10_page_pdf_is_accepted_and_counted(draft):
    document = _add(draft, pdf_upload(10))
    assert document.pages == 10 and application_pages(draft) == 10
    assert document.file.name.startswith("applications/") and "material" not in document.file.name


def test_an_11_page_pdf_is_refused(draft):
    with pytest.raises(ValidationError, match="has 11 pages"):
        _add(draft, pdf_upload(11))


def test_the_total_across_files_may_not_pass_10(draft):
    _add(draft, pdf_upload(7))
    with pytest.raises(ValidationError, match="makes 11"):
        _add(draft, pdf_upload(4))
    _add(draft, pdf_upload(3))
    assert application_pages(draft) == 10


def test_removing_a_file_frees_its_pages(draft):
    document = _add(draft, pdf_upload(9))
    application_document_remove(document=document)
    assert application_pages(draft) == 0
    _add(draft, pdf_upload(10))


def test_an_encrypted_pdf_is_refused_with_a_message(draft):
    upload = SimpleUploadedFile("secret.pdf", pdf_bytes(2, password="pw"))
    with pytest.raises(ValidationError, match="password-protected"):
        _add(draft, upload)


def test_a_corrupt_pdf_is_refused_with_a_message(draft):
    upload = SimpleUploadedFile("broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 200)
    with pytest.raises(ValidationError, match=r"damaged|no pages"):
        _add(draft, upload)


def test_a_zero_page_pdf_is_refused_with_a_message(draft):
    with pytest.raises(ValidationError, match="has no pages"):
        _add(draft, SimpleUploadedFile("empty.pdf", pdf_bytes(0)))


def test_a_huge_pdf_is_refused_by_size_before_it_is_read(draft):
    from applications import services

    big = pdf_bytes(1) + b"%" + b"0" * (services.MAX_UPLOAD_BYTES)
    with pytest.raises(ValidationError, match="the limit is 10 MB"):
        _add(draft, SimpleUploadedFile("huge.pdf", big))


def test_an_empty_file_is_refused(draft):
    with pytest.raises(ValidationError, match="empty"):
        _add(draft, SimpleUploadedFile("nothing.pdf", b""))


def test_a_word_document_is_refused_and_asked_for_as_pdf(draft):
    with pytest.raises(ValidationError, match="save it as PDF"):
        _add(draft, SimpleUploadedFile("plan.docx", docx_bytes()))


def test_the_type_is_judged_by_content_not_by_name(draft):
    with pytest.raises(ValidationError, match="Accepted: PDF"):
        _add(draft, SimpleUploadedFile("plan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100))
    document = _add(draft, SimpleUploadedFile("renamed.txt", pdf_bytes(1)))
    assert document.pages == 1


def test_a_submitted_application_takes_no_more_files(draft):
    draft.status = "submitted"
    draft.save()
    with pytest.raises(ValidationError, match="submitted"):
        _add(draft, pdf_upload(1))
    assert not ApplicationDocument.objects.exists()


def test_the_pdf_factory_makes_real_pdfs():
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(pdf_bytes(3))).pages) == 3
