import datetime as dt

import factory

from coaching.models import CoachingLog, Deliverable, Workstream


class CoachingLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingLog

    jurisdiction = factory.SubFactory("tests.jurisdictions.factories.JurisdictionFactory")
    author = factory.SubFactory(
        "tests.accounts.factories.UserFactory",
        contact_jurisdiction=factory.SelfAttribute("..jurisdiction"),
        password=None,
    )
    side = CoachingLog.Side.JURISDICTION
    date = dt.date(2021, 10, 4)
    duration_minutes = 60
    kind = CoachingLog.Kind.ONE_ON_ONE
    workstream = Workstream.CALL_ANALYSIS
    notes = "Walked through the call-type list."


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable

    jurisdiction = factory.SubFactory("tests.jurisdictions.factories.JurisdictionFactory")
    workstream = Workstream.HIRING
    title = factory.Sequence(lambda n: f"Job description {n}")
    due_on = dt.date(2021, 11, 15)
