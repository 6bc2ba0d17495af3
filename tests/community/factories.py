import datetime as dt

import factory
from django.utils import timezone

from community.models import Membership, Session


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    jurisdiction = factory.SubFactory("tests.jurisdictions.factories.JurisdictionFactory")
    agency = "Emergency Communications"
    role = "Program manager"
    status = Membership.Status.APPROVED


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    title = factory.Sequence(lambda n: f"Community of practice session {n}")
    topic = Session.Topic.OUTCOME_TRACKING
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    capacity = 20
