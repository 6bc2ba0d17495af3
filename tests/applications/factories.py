import datetime as dt
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationContact,
    Interview,
    ReferenceCheck,
    Review,
    ReviewCriterion,
    ShortAnswerQuestion,
)
from tests.cohorts.factories import CohortFactory


class ShortAnswerQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortAnswerQuestion

    cohort = factory.SubFactory(CohortFactory)
    prompt = factory.Sequence(lambda n: f"Short question {n}?")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    cohort = factory.SubFactory(CohortFactory)
    jurisdiction = factory.SubFactory("tests.jurisdictions.factories.JurisdictionFactory")


class CompleteApplicationFactory(ApplicationFactory):
    """A draft with every required answer, ready to submit."""

    applying_office = Application.ApplyingOffice.COMMUNITY_SAFETY
    partners = "Public health, the 911 center and a community-based organisation."
    stage = Application.Stage.PLANNING
    anticipated_launch_on = factory.LazyAttribute(
        lambda o: o.cohort.starts_on + dt.timedelta(days=220)
    )
    team_make_up = ["peers", "social_workers"]
    call_types = "Welfare checks, mental-health calls and homelessness."
    collaboration = "A weekly working group of agencies and community partners."
    equity_goals = "Fewer arrests in the neighbourhoods most affected by policing."


class ApplicationContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationContact

    application = factory.SubFactory(ApplicationFactory)
    user = factory.SubFactory("tests.accounts.factories.UserFactory")


class ReviewCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewCriterion

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory("tests.accounts.factories.StaffFactory")
    submitted_at = factory.LazyFunction(timezone.now)


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    application = factory.SubFactory(ApplicationFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    meeting_url = "https://zoom.example/j/123"
    attendees = "Dana Durham, Director, Community Safety"


class ReferenceCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferenceCheck

    application = factory.SubFactory(ApplicationFactory)
    name = "Morgan Reed"
    organisation = "Durham Community Coalition"
    called_on = factory.LazyFunction(timezone.localdate)


def pdf_bytes(pages: int, *, password: str | None = None) -> bytes:
    """A real PDF with `pages` blank pages (pypdf), optionally encrypted."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(pages: int, name: str = "material.pdf", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(pages, **kwargs), content_type="application/pdf")


def docx_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def with_contact(application: Application, user) -> Application:
    ApplicationContact.objects.create(application=application, user=user)
    return application
