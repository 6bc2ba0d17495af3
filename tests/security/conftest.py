import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every fuzz case logs someone in; the production hasher would cost a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
