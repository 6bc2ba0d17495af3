"""Fifty people take twenty seats at the same instant: PostgreSQL row locking keeps the count."""

import os
import threading

import pytest
from django.conf import settings
from django.db import connection

from community.models import Registration
from community.services import registration_create
from tests.community.factories import MembershipFactory, SessionFactory

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASE_IS_POSTGRES and os.environ.get("CI") != "true",
        reason="needs a PostgreSQL DATABASE_URL: SQLite serialises writers, proving nothing",
    ),
]


def test_fifty_simultaneous_registrations_for_twenty_seats(transactional_db):
    if not settings.DATABASE_IS_POSTGRES:
        pytest.fail("CI=true needs a PostgreSQL DATABASE_URL")
    session = SessionFactory(capacity=20)
    people = [MembershipFactory(user__password=None).user for _ in range(50)]
    start = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def register(user) -> None:
        try:
            start.wait(timeout=30)
            registration_create(session=session, user=user)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    statuses = list(Registration.objects.filter(session=session).values_list("status", flat=True))
    assert statuses.count(Registration.Status.REGISTERED) == 20
    assert statuses.count(Registration.Status.WAITLISTED) == 30
