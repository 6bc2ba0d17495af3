"""Shared fixtures: the small cast every test uses, and the run's database/Celery mode.

The cast: a staff member, a reviewer (also staff), a contact of jurisdiction A, a contact of
jurisdiction B, a practitioner, and an anonymous visitor (the plain `client`).
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from gpl_cohort.storage import describe as describe_storage
from gpl_cohort.storage import storage_from_url
from tests.accounts.factories import PASSWORD, StaffFactory, UserFactory
from tests.community.factories import MembershipFactory
from tests.jurisdictions.factories import JurisdictionFactory


@pytest.hookimpl(trylast=True)  # header hooks print last-called first: this line leads
def pytest_report_header(config: pytest.Config) -> list[str]:
    database = settings.DATABASES["default"]
    if settings.DATABASE_IS_POSTGRES:
        db_line = (
            f"PostgreSQL ({database['HOST']}:{database.get('PORT') or 5432}/{database['NAME']})"
        )
    else:
        db_line = "SQLite (embedded default)"
    if settings.REDIS_URL:
        celery_line = f"Redis-backed worker ({settings.REDIS_URL}) for @pytest.mark.worker tests"
    else:
        celery_line = "eager (no REDIS_URL: worker tests skipped)"
    storage_line = describe_storage()
    if settings.STORAGE_URL:
        storage_line += " (each test under a prefix of its own)"
    else:
        storage_line += " (tests/test_object_storage.py on moto's S3 server, started by itself)"
    return [f"cohort: database={db_line}; celery={celery_line}; storage={storage_line}"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _fresh_cache(settings) -> None:
    """Each test starts with an empty cache, so no cached copy of rows that an earlier test
    rolled back (community.caching, accounts.session_user) can reach it.

    The locmem cache is cleared. A Redis cache (REDIS_URL set) is shared with other processes
    (pytest-xdist workers, a Celery worker), so each test writes under a key prefix of its own,
    whose keys are deleted afterwards."""
    default = settings.CACHES["default"]
    if "locmem" in default["BACKEND"]:
        for cache in caches.all():
            cache.clear()
        yield
        return
    prefix = f"{default.get('KEY_PREFIX', '')}-test-{uuid.uuid4().hex[:12]}".lstrip("-")
    settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": prefix}}
    yield
    client = caches["default"]._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _celery_eager_unless_worker(request: pytest.FixtureRequest) -> None:
    """Tasks run in the test's process, except in tests that start a real worker."""
    from gpl_cohort.celery import app

    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager or previous
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Every test's cast hashes passwords; PBKDF2 would make that the slowest part of most tests.
    # No test depends on the hasher (tests/accounts checks passwords, not how they are kept).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_and_mail_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CALLDATA_WORK_DIR = tmp_path / "calldata-work"
    if settings.STORAGE_URL:
        # The object store (STORAGE_URL, as .ci/run sets): each test's files under a prefix of
        # its own, as MEDIA_ROOT in tmp_path keeps them apart on the local disk. Subprocesses
        # (backup, a real worker) are handed this STORAGE_URL.
        settings.STORAGE_URL = storage_url_with_prefix(settings.STORAGE_URL, uuid.uuid4().hex)
        settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(settings.STORAGE_URL)}
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    # Eager call-data imports run where they are queued, so tests see their outcome at once
    # (tests/calldata/test_background.py turns the embedded import thread on).
    settings.CALLDATA_IMPORT_IN_BACKGROUND = False


def storage_url_with_prefix(url: str, prefix: str) -> str:
    """The STORAGE_URL `url` with `prefix` added to its folder in the bucket."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{prefix}"))


@pytest.fixture
def jurisdiction_a(db):
    return JurisdictionFactory(name="Durham", state="NC")


@pytest.fixture
def jurisdiction_b(db):
    return JurisdictionFactory(name="Phoenix", state="AZ", time_zone="America/Phoenix")


@pytest.fixture
def staff_user(db):
    return StaffFactory(email="staff@program.example", full_name="Sam Staff")


@pytest.fixture
def reviewer_user(db):
    return StaffFactory(email="reviewer@program.example", full_name="Ravi Reviewer")


@pytest.fixture
def contact_a(jurisdiction_a):
    return UserFactory(
        email="contact@durhamnc.gov", full_name="Dana Durham", contact_jurisdiction=jurisdiction_a
    )


@pytest.fixture
def contact_b(jurisdiction_b):
    return UserFactory(
        email="contact@phoenix.gov",
        full_name="Pat Phoenix",
        contact_jurisdiction=jurisdiction_b,
        time_zone="America/Phoenix",
    )


@pytest.fixture
def practitioner(db):
    membership = MembershipFactory(user__email="practitioner@tucsonaz.gov")
    return membership.user


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff_user) -> Client:
    return _client_for(staff_user)


@pytest.fixture
def reviewer_client(reviewer_user) -> Client:
    return _client_for(reviewer_user)


@pytest.fixture
def contact_a_client(contact_a) -> Client:
    return _client_for(contact_a)


@pytest.fixture
def contact_b_client(contact_b) -> Client:
    return _client_for(contact_b)


@pytest.fixture
def practitioner_client(practitioner) -> Client:
    return _client_for(practitioner)


@pytest.fixture
def password() -> str:
    return PASSWORD
