import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hundreds of users are made here; the production hasher would cost a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
