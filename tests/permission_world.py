"""The objects the permission matrix requests: one of each kind for jurisdiction A and B."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile

from jurisdictions.dates import local_today

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj "
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"
)


@dataclass
class Side:
    jurisdiction: Any
    objects: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.objects[key]


def build_side(jurisdiction: Any, contact: Any, cohort: Any, staff: Any) -> Side:
    from applications.models import ApplicationDocument
    from calldata.engine.tree import DEFAULT_TREE
    from calldata.models import CodeTable, Dataset, DecisionTree, Scenario
    from coaching.models import DeliverableDocument
    from jurisdictions.models import MoU, SupportLetter
    from tests.applications.factories import CompleteApplicationFactory, with_contact
    from tests.coaching.factories import CoachingLogFactory, DeliverableFactory
    from tests.cohorts.factories import CohortMembershipFactory
    from tests.jurisdictions.factories import ResponseTeamFactory

    side = Side(jurisdiction=jurisdiction)
    application = CompleteApplicationFactory(
        cohort=cohort, jurisdiction=jurisdiction, status="submitted"
    )
    with_contact(application, contact)
    side.objects["application"] = application
    document = ApplicationDocument(
        application=application,
        file_name="material.pdf",
        pages=1,
        size=len(PDF),
        uploaded_by=contact,
    )
    document.file.save("material.pdf", ContentFile(PDF), save=True)
    side.objects["document"] = document
    letter = SupportLetter(
        jurisdiction=jurisdiction,
        application=application,
        signer_name="Mayor",
        signer_title="Mayor",
        office="Office of the Mayor",
        dated=dt.date(2022, 5, 1),
        file_name="letter.pdf",
    )
    letter.file.save("letter.pdf", ContentFile(PDF), save=True)
    side.objects["letter"] = letter
    membership = CohortMembershipFactory(
        cohort=cohort, jurisdiction=jurisdiction, point_of_contact=contact
    )
    side.objects["membership"] = membership
    mou = MoU.objects.create(membership=membership, status="signed", signed_file_name="mou.pdf")
    mou.signed_file.save("mou.pdf", ContentFile(PDF), save=True)
    side.objects["mou"] = mou
    side.objects["team"] = ResponseTeamFactory(jurisdiction=jurisdiction)
    side.objects["log"] = CoachingLogFactory(
        jurisdiction=jurisdiction, author=contact, date=local_today(jurisdiction)
    )
    deliverable = DeliverableFactory(jurisdiction=jurisdiction)
    side.objects["deliverable"] = deliverable
    deliverable_document = DeliverableDocument(
        deliverable=deliverable,
        file_name="jd.pdf",
        file_kind="pdf",
        file_size=len(PDF),
        uploaded_by=contact,
    )
    deliverable_document.file.save("jd.pdf", ContentFile(PDF), save=True)
    side.objects["deliverable_document"] = deliverable_document
    dataset = Dataset(
        jurisdiction=jurisdiction, uploaded_by=contact, original_name="calls.csv", status="mapping"
    )
    dataset.file.save("calls.csv", ContentFile(b"incident,call_type\n1,WELFARE CHECK\n"), save=True)
    side.objects["dataset"] = dataset
    side.objects["scenario"] = Scenario.objects.create(
        jurisdiction=jurisdiction, dataset=dataset, name="Scenario", criteria={}, created_by=contact
    )
    side.objects["tree"] = DecisionTree.objects.create(
        jurisdiction=jurisdiction, name="Tree", nodes=DEFAULT_TREE, created_by=contact
    )
    code_table = CodeTable(
        jurisdiction=jurisdiction,
        kind="call_type",
        original_name="codes.csv",
        code_column="CODE",
        description_column="DESCRIPTION",
        entries={"415": "Disturbance"},
        codes=1,
        uploaded_by=contact,
    )
    code_table.file.save(
        "codes.csv", ContentFile(b"CODE,DESCRIPTION\n415,Disturbance\n"), save=True
    )
    side.objects["code_table"] = code_table
    return side


def build_shared(staff: Any) -> dict[str, Any]:
    from jurisdictions.models import Resource
    from tests.community.factories import (
        NewsletterIssueFactory,
        RegistrationFactory,
        SessionFactory,
    )

    shared: dict[str, Any] = {}
    shared["session"] = SessionFactory()
    shared["registration"] = RegistrationFactory(session=shared["session"])
    try:
        shared["webinar"] = SessionFactory(kind="webinar", title="Informational webinar")
    except Exception:
        shared["webinar"] = shared["session"]
    shared["issue"] = NewsletterIssueFactory()
    resource = Resource(title="Call decision tree template")
    if hasattr(resource, "file"):
        resource.file.save("tree.pdf", ContentFile(PDF), save=False)
    resource.save()
    shared["resource"] = resource
    from calldata.models import DictionaryEntry

    shared["dictionary_entry"] = DictionaryEntry.objects.create(
        category="welfare_check", kind="keyword", pattern="WELL ?BEING", created_by=staff
    )
    return shared
