"""The API run through schemathesis against /api/schema/ as an authenticated contact.

Every operation of the schema is called with generated inputs; no response may be a 500 or
break the schema it documents. The CLI drives a live server holding the test database.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.skipif(not SCHEMATHESIS.exists(), reason="schemathesis is in the dev extra")
def test_the_api_has_no_server_errors_and_keeps_its_schema(live_server, contact_a, tmp_path):
    token = Token.objects.create(user=contact_a)
    report = tmp_path / "schemathesis.txt"
    result = subprocess.run(  # noqa: S603
        [
            str(SCHEMATHESIS), "run", f"{live_server.url}/api/schema/",
            "--header", f"Authorization: Token {token.key}",
            "--checks", "not_a_server_error,response_schema_conformance,"
            "content_type_conformance,response_headers_conformance",
            "--max-examples", os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"),
            "--phases", os.environ.get("SCHEMATHESIS_PHASES", "examples,fuzzing"),
            "--request-timeout", "20",
            "--seed", "2021",
            "--generation-deterministic",
            "--workers", "1",
        ],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    report.write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
