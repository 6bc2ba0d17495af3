"""Every upload form of the program, fuzzed with the malformed and hostile files of hostile.py.

Each file goes through the real view with a logged-in user allowed to upload there, and each
answer must hold: never a 5xx; a refusal says why on the page and keeps the person's other
answers; a refused file leaves nothing in storage or the database; whatever is stored lies
inside the storage under a name of our making; and the request stays within a memory and time
bound (tracemalloc peak beyond the request body itself, and wall time).

The 911 call-data import (calldata upload view and API) has its own fuzz suite in tests/calldata.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils.html import escape

from gpl_cohort import storage
from tests.security.hostile import CORPUS, MB, Hostile, good_pdf

pytestmark = pytest.mark.django_db

#: Memory a request may allocate beyond the copy of its body the test client holds.
MEMORY_BOUND = 48 * MB
TIME_BOUND_SECONDS = 15.0
TWO_GB = str(2 * 1024**3)


@dataclass
class Target:
    client: Client
    url: str
    file_field: str
    data: dict[str, str]
    stored: Callable[[], int]
    form: Callable[[Any], Any]
    #: Values of the other answers that a refusal must show again.
    kept: list[str] = field(default_factory=list)


def _applications_edit(r: pytest.FixtureRequest) -> Target:
    from applications.models import ApplicationDocument
    from tests.applications.factories import ApplicationFactory, with_contact
    from tests.cohorts.factories import CohortFactory

    contact = r.getfixturevalue("contact_a")
    draft = with_contact(
        ApplicationFactory(cohort=CohortFactory(), jurisdiction=contact.contact_jurisdiction),
        contact,
    )
    partners = "Public health & the 911 center <b>together</b>"
    return Target(
        client=r.getfixturevalue("contact_a_client"),
        url=reverse("applications:edit", args=[draft.pk]),
        file_field="document",
        data={"applying_office": "community_safety", "partners": partners, "stage": "planning",
              "anticipated_launch_on": "2031-03-01", "call_types": "Welfare checks",
              "collaboration": "A weekly working group", "equity_goals": "Fewer arrests"},
        stored=lambda: ApplicationDocument.objects.filter(application=draft).count(),
        form=lambda response: response.context["form"],
        kept=[partners, "Welfare checks", "A weekly working group"],
    )  # fmt: skip


def _applications_letter(r: pytest.FixtureRequest) -> Target:
    from applications.models import Application
    from jurisdictions.models import SupportLetter
    from tests.applications.factories import ApplicationFactory, with_contact

    contact = r.getfixturevalue("contact_a")
    application = with_contact(
        ApplicationFactory(
            jurisdiction=contact.contact_jurisdiction,
            status=Application.Status.INTERVIEW_SCHEDULED,
        ),
        contact,
    )
    return Target(
        client=r.getfixturevalue("contact_a_client"),
        url=reverse("applications:letter_upload", args=[application.pk]),
        file_field="file",
        data={"signer_name": "Mayor Lee", "signer_title": "Mayor",
              "office": "Office of the Mayor", "dated": "2031-04-01"},
        stored=lambda: SupportLetter.objects.count(),
        form=lambda response: response.context["letter_form"],
        kept=["Mayor Lee", "Office of the Mayor"],
    )  # fmt: skip


def _seat(r: pytest.FixtureRequest):
    from cohorts.models import CohortMembership
    from jurisdictions.models import MoU
    from tests.cohorts.factories import CohortMembershipFactory
    from tests.jurisdictions.factories import MoUFactory

    seat = CohortMembershipFactory(
        jurisdiction=r.getfixturevalue("jurisdiction_a"), status=CohortMembership.Status.SELECTED
    )
    MoUFactory(membership=seat, status=MoU.Status.SENT)
    return seat


def _jurisdictions_signed_mou(r: pytest.FixtureRequest) -> Target:
    from jurisdictions.models import MoU

    seat = _seat(r)
    return Target(
        client=r.getfixturevalue("contact_a_client"),
        url=reverse("jurisdictions:seat_mou_signed", args=[seat.pk]),
        file_field="file",
        data={"signed-jurisdiction_signatory": "Wanda Page",
              "signed-jurisdiction_signatory_title": "City Manager"},
        stored=lambda: MoU.objects.exclude(signed_file="").count(),
        form=lambda response: response.context["forms"]["signed"],
        kept=["Wanda Page", "City Manager"],
    )  # fmt: skip


def _jurisdictions_letter(r: pytest.FixtureRequest) -> Target:
    from jurisdictions.models import SupportLetter

    seat = _seat(r)
    return Target(
        client=r.getfixturevalue("contact_a_client"),
        url=reverse("jurisdictions:seat_letter_add", args=[seat.pk]),
        file_field="file",
        data={"letter-signer_name": "Elaine O'Neal",
              "letter-signer_title": "Mayor", "letter-office": "Office of the Mayor",
              "letter-dated": "2021-08-10"},
        stored=lambda: SupportLetter.objects.count(),
        form=lambda response: response.context["forms"]["letter"],
        kept=["Elaine O'Neal", "Office of the Mayor"],
    )  # fmt: skip


def _jurisdictions_resource(r: pytest.FixtureRequest) -> Target:
    from jurisdictions.models import Resource

    return Target(
        client=r.getfixturevalue("staff_client"),
        url=reverse("jurisdictions:resource_new"),
        file_field="file",
        data={"title": "Dispatch protocol template", "description": "Used in Durham",
              "category": Resource.Category.values[0], "tags": "dispatch, template"},
        stored=lambda: Resource.objects.count(),
        form=lambda response: response.context["form"],
        kept=["Dispatch protocol template", "Used in Durham", "dispatch, template"],
    )  # fmt: skip


def _coaching_document(r: pytest.FixtureRequest) -> Target:
    from coaching.models import DeliverableDocument
    from tests.coaching.factories import DeliverableFactory

    deliverable = DeliverableFactory(
        jurisdiction=r.getfixturevalue("jurisdiction_a"), due_on=dt.date(2031, 10, 1)
    )
    return Target(
        client=r.getfixturevalue("contact_a_client"),
        url=reverse("coaching:deliverable_attach", args=[deliverable.pk]),
        file_field="file",
        data={},
        stored=lambda: DeliverableDocument.objects.count(),
        form=lambda response: response.context["document_form"],
    )


def _community_slides(r: pytest.FixtureRequest) -> Target:
    from community.models import Session
    from tests.community.factories import SessionFactory

    session = SessionFactory()
    return Target(
        client=r.getfixturevalue("staff_client"),
        url=reverse("community:staff_materials", args=[session.pk]),
        file_field="slides",
        data={"recording_url": "https://video.example/rec/42"},
        stored=lambda: Session.objects.exclude(slides="").count(),
        form=lambda response: response.context["materials"],
        kept=["https://video.example/rec/42"],
    )


def _community_attendance(r: pytest.FixtureRequest) -> Target:
    from community.models import Registration
    from tests.community.factories import RegistrationFactory, SessionFactory

    session = SessionFactory()
    RegistrationFactory(session=session, user=None, email="x@y.gov")
    return Target(
        client=r.getfixturevalue("staff_client"),
        url=reverse("community:staff_attendance_import", args=[session.pk]),
        file_field="attendance_file",
        data={},
        stored=lambda: Registration.objects.filter(attended__isnull=False).count(),
        form=lambda response: response.context["import_form"],
    )


def _calldata_outcomes(r: pytest.FixtureRequest) -> Target:
    from calldata.models import OutcomeRecord

    jurisdiction = r.getfixturevalue("jurisdiction_a")
    return Target(
        client=r.getfixturevalue("contact_a_client"),
        url=reverse("calldata:outcomes_import", args=[jurisdiction.pk]),
        file_field="file",
        data={},
        stored=lambda: OutcomeRecord.objects.count(),
        form=lambda response: response.context["import_form"],
    )


#: Upload path -> (builder, whether it reads CSV rather than storing a document).
PATHS: dict[str, tuple[Callable[[pytest.FixtureRequest], Target], bool]] = {
    "applications-edit-document": (_applications_edit, False),
    "applications-support-letter": (_applications_letter, False),
    "jurisdictions-signed-mou": (_jurisdictions_signed_mou, False),
    "jurisdictions-support-letter": (_jurisdictions_letter, False),
    "jurisdictions-resource-library": (_jurisdictions_resource, False),
    "coaching-deliverable-document": (_coaching_document, False),
    "community-session-slides": (_community_slides, False),
    "community-attendance-import": (_community_attendance, True),
    "calldata-outcomes-import": (_calldata_outcomes, True),
}


def _media_files() -> set[str]:
    return set(storage.walk())


def _post(client: Client, url: str, body: bytes, **extra: str) -> tuple[Any, int, float]:
    """POST a ready-made multipart body; measure what the request itself allocates."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        response = client.generic("POST", url, body, content_type=MULTIPART_CONTENT, **extra)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, max(peak - len(body), 0), elapsed


def _errors_shown(target: Target, response: Any) -> list[str]:
    form = target.form(response)
    errors = list(form.errors.get(target.file_field, [])) + list(form.non_field_errors())
    page = response.content.decode()
    assert errors, "a refused upload must say why"
    for error in errors:
        assert escape(error) in page, f"the message {error!r} is not on the page"
    return errors


def _cases() -> list[Any]:
    return [
        pytest.param(path, hostile, id=f"{path}-{hostile.id}")
        for path in PATHS
        for hostile in CORPUS
    ]


@pytest.mark.parametrize(("path", "hostile"), _cases())
def test_a_hostile_file_is_refused_or_stored_safely_within_bounds(
    request: pytest.FixtureRequest, path: str, hostile: Hostile
) -> None:
    build, _reads_csv = PATHS[path]
    target = build(request)
    before_files, before_rows = _media_files(), target.stored()
    upload = SimpleUploadedFile(hostile.name, bytes(hostile), content_type=hostile.content_type)
    body = encode_multipart(BOUNDARY, {**target.data, _field(target, path): upload})

    response, peak, elapsed = _post(target.client, target.url, body)

    assert response.status_code < 500
    assert peak < MEMORY_BOUND, f"the request allocated {peak / MB:.0f} MB"
    assert elapsed < TIME_BOUND_SECONDS, f"the request took {elapsed:.1f} s"
    new_files = _media_files() - before_files
    for stored in new_files:
        # Listed by the storage, so inside it (MEDIA_ROOT or the bucket's prefix).
        assert ".." not in stored.split("/")
        assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|docx|xlsx|zip|csv|png|jpg)", stored.split("/")[-1])
    accepted = response.status_code == 302 or not target.form(response).errors
    if hostile.expect == "refuse":
        assert not accepted, f"{hostile.id} was accepted"
    if not accepted:
        _errors_shown(target, response)
        page = response.content.decode()
        for value in target.kept:
            assert escape(value) in page, f"the answer {value!r} was lost"
        assert target.stored() == before_rows and not new_files


def _field(target: Target, path: str) -> str:
    prefix = {"jurisdictions-signed-mou": "signed-", "jurisdictions-support-letter": "letter-"}
    return prefix.get(path, "") + target.file_field


@pytest.mark.parametrize("path", list(PATHS))
def test_a_claimed_2_gb_body_is_refused_with_413_before_it_is_read(
    request: pytest.FixtureRequest, path: str
) -> None:
    target = PATHS[path][0](request)
    before_rows = target.stored()
    upload = SimpleUploadedFile("letter.pdf", good_pdf(), content_type="application/pdf")
    body = encode_multipart(BOUNDARY, {**target.data, _field(target, path): upload})
    response, peak, elapsed = _post(target.client, target.url, body, CONTENT_LENGTH=TWO_GB)
    assert response.status_code == 413
    assert "accepts at most" in response.content.decode()
    assert target.stored() == before_rows and not _media_files()
    assert peak < MEMORY_BOUND and elapsed < TIME_BOUND_SECONDS


# Building every admin form at once meets URLFields the admin pages render without complaint.
@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango60Warning")
def test_no_admin_form_takes_a_file_past_the_checked_upload_pages(rf, django_user_model) -> None:
    """Files come in only through the pages that check them; the admin shows names only."""
    from django import forms
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = django_user_model.objects.create_superuser(
        email="root@program.example", password="x"
    )
    takes_files = []
    for model, model_admin in admin.site._registry.items():
        form_classes = [model_admin.get_form(request, None, change=True)]
        form_classes += [
            inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)
        ]
        for form_class in form_classes:
            takes_files += [
                f"{model._meta.label}.{name}"
                for name, form_field in form_class.base_fields.items()
                if isinstance(form_field, forms.FileField)
            ]
    assert takes_files == []
