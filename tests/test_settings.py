import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="x" * 20 + "a-real-random-production-secret-1234567890",
        DJANGO_ALLOWED_HOSTS="cohort.example.gov",
        DEFAULT_FROM_EMAIL="Cohort program staff <cohort@program.example.gov>",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_fails_at_start():
    result = _manage("check", DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="cohort.example.gov")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_an_unknown_environment_name_fails_at_start():
    result = _manage("check", DJANGO_ENV="staging-ish")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_without_the_programs_email_address_fails_at_start():
    result = _manage(
        "check",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="x" * 20 + "a-real-random-production-secret-1234567890",
        DJANGO_ALLOWED_HOSTS="cohort.example.gov",
        DEFAULT_FROM_EMAIL="Cohort <cohort@localhost>",
    )
    assert result.returncode != 0
    assert "DEFAULT_FROM_EMAIL must be the program's real address" in result.stderr
