"""CSV exports never hand a spreadsheet a formula: hostile cells come out as text ('=...)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.security.hostile import FORMULA

pytestmark = pytest.mark.django_db

HOSTILE = [FORMULA.decode(), "@SUM(1+1)*cmd|' /C calc'!A0", "+HYPERLINK(\"https://evil.example\")",
           "-2+3+cmd|' /C calc'!A0", "\t=1+1"]  # fmt: skip


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def _assert_no_formula(rows: list[list[str]]) -> None:
    cells = [cell for row in rows[1:] for cell in row]
    assert cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells


def test_a_registrations_export_escapes_formulas_typed_into_the_public_form(staff_client):
    from tests.community.factories import RegistrationFactory, SessionFactory

    session = SessionFactory()
    for i, text in enumerate(HOSTILE):
        RegistrationFactory(
            session=session, user=None, email=f"p{i}@x.gov", full_name=text, question=text
        )
    rows = _rows(staff_client.get(f"/community/staff/sessions/{session.pk}/registrations.csv"))
    _assert_no_formula(rows)
    assert {row[0] for row in rows[1:]} == {"'" + text for text in HOSTILE}


def test_a_subscribers_export_escapes_a_formula_shaped_email(staff_client):
    from tests.community.factories import SubscriberFactory

    SubscriberFactory(email="=1+1@evil.example")
    SubscriberFactory(email="-2+3@evil.example")
    url = reverse("community:staff_subscribers") + "?format=csv"
    _assert_no_formula(_rows(staff_client.get(url)))


def test_the_applications_export_escapes_formulas_in_answers(staff_client):
    from tests.applications.factories import ApplicationFactory
    from tests.jurisdictions.factories import JurisdictionFactory

    for text in HOSTILE:
        ApplicationFactory(jurisdiction=JurisdictionFactory(name=text))
    _assert_no_formula(_rows(staff_client.get(reverse("admin:applications_application_export"))))
