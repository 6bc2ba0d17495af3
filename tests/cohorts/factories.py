import datetime as dt

import factory
from django.utils import timezone

from cohorts.models import Cohort, CohortMembership


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"{2030 + n}–{2031 + n} Implementation Cohort")
    slug = factory.Sequence(lambda n: f"{2030 + n}-{2031 + n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))
    seats = 5


class CohortMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortMembership

    cohort = factory.SubFactory(CohortFactory)
    jurisdiction = factory.SubFactory("tests.jurisdictions.factories.JurisdictionFactory")
    status = CohortMembership.Status.ENROLLED
