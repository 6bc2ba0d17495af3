import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The cast's log-ins are made for every test here; a slow hasher only costs time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
