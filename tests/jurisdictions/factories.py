import datetime as dt

import factory

from cohorts.models import CohortMembership
from jurisdictions.models import Jurisdiction, ResponseTeam
from tests.cohorts.factories import CohortMembershipFactory


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction

    name = factory.Sequence(lambda n: f"Riverton {n}")
    kind = Jurisdiction.Kind.CITY
    state = "NC"
    population = 250_000
    time_zone = "America/New_York"


class ResponseTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponseTeam

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.Sequence(lambda n: f"Crisis response team {n}")
    status = ResponseTeam.Status.LAUNCHED
    dispatched_from = ResponseTeam.DispatchedFrom.CALL_CENTER_911
    launched_on = dt.date(2022, 6, 1)


def pdf_bytes(pages: int = 1) -> bytes:
    """A small valid PDF made with pypdf."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "signed.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


class MoUFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jurisdictions.MoU"

    membership = factory.SubFactory(
        CohortMembershipFactory, status=CohortMembership.Status.SELECTED
    )


class SupportLetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jurisdictions.SupportLetter"

    jurisdiction = factory.SelfAttribute("membership.jurisdiction")
    membership = factory.SubFactory(
        CohortMembershipFactory, status=CohortMembership.Status.SELECTED
    )
    signer_name = "Elaine O'Neal"
    signer_title = "Mayor"
    office = "Office of the Mayor"
    dated = dt.date(2021, 8, 10)
    file = factory.django.FileField(filename="letter.pdf", data=b"%PDF-1.4 test")
    file_name = "letter.pdf"


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "jurisdictions.Resource"

    title = factory.Sequence(lambda n: f"Call decision tree example {n}")
    description = "A peer example of a 911 call decision tree."
    category = "decision_tree"
    file = factory.django.FileField(filename="tree.pdf", data=b"%PDF-1.4 test")
    file_name = "tree.pdf"
    file_kind = "pdf"
    file_size = 13
