import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # The cast's accounts each hash a password; PBKDF2 makes that the slowest part of a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
