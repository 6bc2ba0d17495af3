import datetime as dt

import factory

from jurisdictions.models import CohortMembership, Jurisdiction, ResponseTeam


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction

    name = factory.Sequence(lambda n: f"Riverton {n}")
    kind = Jurisdiction.Kind.CITY
    state = "NC"
    population = 250_000
    time_zone = "America/New_York"


class CohortMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortMembership

    cohort = factory.SubFactory("tests.applications.factories.CohortFactory")
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    status = CohortMembership.Status.ENROLLED


class ResponseTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResponseTeam

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    name = factory.Sequence(lambda n: f"Crisis response team {n}")
    status = ResponseTeam.Status.LAUNCHED
    dispatched_from = ResponseTeam.DispatchedFrom.CALL_CENTER_911
    launched_on = dt.date(2022, 6, 1)
