import datetime as dt

import factory
from django.utils import timezone

from community.models import Membership, NewsletterIssue, Registration, Session, Subscriber


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


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    email = factory.LazyAttribute(lambda r: r.user.email if r.user else "guest@example.gov")
    full_name = factory.LazyAttribute(lambda r: r.user.full_name if r.user else "Guest")
    status = Registration.Status.REGISTERED
    status_changed_at = factory.LazyFunction(timezone.now)


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    status = Subscriber.Status.SUBSCRIBED
    confirmed_at = factory.LazyFunction(timezone.now)


class NewsletterIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue

    subject = factory.Sequence(lambda n: f"Cohort news {n}")
    body_markdown = "## This month\n\nThe **cohort** met in [Durham](https://durhamnc.gov)."
