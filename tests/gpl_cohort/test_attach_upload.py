"""attach_upload: the one way an uploaded file becomes part of a row, in every app."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import ApplicationDocument
from gpl_cohort.uploads import MB, Kind, attach_upload
from jurisdictions.models import MoU, Resource
from tests.gpl_cohort.test_uploads import pdf_bytes


def _pdf(name="plan.pdf", pages=2):
    return SimpleUploadedFile(name, pdf_bytes(pages), content_type="application/pdf")


def test_the_file_goes_to_storage_and_its_name_kind_size_and_uploader_to_the_row(staff_user):
    resource = Resource(title="Plan")
    checked = attach_upload(
        resource, _pdf("plan.exe"), allowed=(Kind.PDF,), max_bytes=MB, by=staff_user
    )
    assert (resource.file_name, resource.file_kind) == ("plan.pdf", Kind.PDF)
    assert resource.file_size == checked.size > 0
    assert resource.uploaded_by == staff_user
    assert resource.file.storage.exists(resource.file.name)
    assert "plan" not in resource.file.name  # a random storage name, never the user's


def test_a_field_of_another_name_keeps_its_name_in_its_own_column():
    mou = MoU()
    attach_upload(mou, _pdf("signed.pdf"), allowed=(Kind.PDF,), max_bytes=MB, field="signed_file")
    assert mou.signed_file_name == "signed.pdf"
    assert mou.signed_file.storage.exists(mou.signed_file.name)


def test_columns_of_other_names_are_mapped():
    document = ApplicationDocument()
    attach_upload(
        document, _pdf(pages=3), allowed=(Kind.PDF,), max_bytes=MB, count_pages=True,
        columns={"size": "size", "pages": "pages"},
    )  # fmt: skip
    assert document.pages == 3 and document.size > 0


def test_a_refused_file_is_not_stored_and_the_error_can_name_the_form_field():
    resource = Resource()
    junk = SimpleUploadedFile("plan.pdf", b"\x00\x01 junk" * 20)
    with pytest.raises(ValidationError) as error:
        attach_upload(resource, junk, allowed=(Kind.PDF,), max_bytes=MB, error_field="file")
    assert "Accepted: PDF" in error.value.message_dict["file"][0]
    assert not resource.file and not resource.file_name


def test_the_callers_own_rule_runs_before_anything_is_stored():
    resource = Resource()

    def at_most_one_page(checked):
        if checked.pages > 1:
            raise ValidationError("One page at most.")

    with pytest.raises(ValidationError, match="One page at most"):
        attach_upload(
            resource, _pdf(pages=2), allowed=(Kind.PDF,), max_bytes=MB, count_pages=True,
            accept=at_most_one_page,
        )  # fmt: skip
    assert not resource.file
