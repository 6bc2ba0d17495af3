"""The staff page for the call-type dictionary's rules: add, preview, validate, change,
remove; the dictionary re-applied at once; contacts kept out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from calldata import selectors
from calldata.models import CallTypeMapping, DictionaryEntry

pytestmark = pytest.mark.django_db

INDEX = reverse("calldata:dictionary")
PREVIEW = reverse("calldata:dictionary_preview")


def _rule(**changes) -> dict:
    return {"category": "behavioral_health", "kind": "keyword", "pattern": r"\bNOISE\b"} | changes


def test_contacts_and_practitioners_cannot_reach_the_dictionary(
    imported_a, contact_a_client, practitioner_client, client
):
    entry = DictionaryEntry.objects.create(category="medical", pattern="SICK")
    for url in (INDEX, reverse("calldata:dictionary_entry", args=[entry.pk])):
        assert contact_a_client.get(url).status_code == 403
        assert contact_a_client.post(f"{url}preview/", _rule()).status_code == 403
        assert contact_a_client.post(url, _rule()).status_code == 403
        assert practitioner_client.get(url).status_code == 403
        assert client.get(url).status_code == 302
    delete = reverse("calldata:dictionary_delete", args=[entry.pk])
    assert contact_a_client.post(delete).status_code == 403
    assert DictionaryEntry.objects.count() == 1


def test_staff_preview_a_rule_then_save_it_and_the_call_types_follow(imported_a, staff_client):
    noise = CallTypeMapping.objects.get(
        jurisdiction=imported_a.jurisdiction, call_type="NOISE COMPLAINT"
    )
    assert noise.category == "noise_disturbance"
    preview = staff_client.post(PREVIEW, _rule(preview_on=imported_a.jurisdiction_id))
    assert preview.status_code == 200
    result = preview.context["preview"]
    assert (result["matches"], result["changed_types"], result["confirmed_kept"]) == (1, 1, 0)
    assert result["changes"][0] == {
        "call_type": "NOISE COMPLAINT", "calls": 1, "from": "noise_disturbance",
        "to": "behavioral_health", "confirmed": False,
    }  # fmt: skip
    assert not DictionaryEntry.objects.exists()  # a preview saves nothing
    saved = staff_client.post(INDEX, _rule())
    assert saved["Location"] == INDEX
    noise.refresh_from_db()
    assert noise.category == "behavioral_health"
    assert noise.reason == "keyword NOISE"
    page = staff_client.get(INDEX)
    assert "1 call types re-categorised" in page.content.decode()
    assert r"\bNOISE\b" in page.content.decode()


def test_a_confirmed_category_is_kept_and_the_preview_says_so(imported_a, staff_client):
    CallTypeMapping.objects.filter(call_type="NOISE COMPLAINT").update(confirmed=True)
    rule = _rule(jurisdiction=imported_a.jurisdiction_id)
    result = staff_client.post(PREVIEW, rule).context["preview"]
    assert (result["changed_types"], result["confirmed_kept"]) == (0, 1)
    staff_client.post(INDEX, _rule(jurisdiction=imported_a.jurisdiction_id))
    noise = CallTypeMapping.objects.get(call_type="NOISE COMPLAINT")
    assert (noise.category, noise.suggested_category) == ("noise_disturbance", "behavioral_health")


def test_a_bad_regular_expression_gets_a_clear_message_and_saves_nothing(staff_client):
    response = staff_client.post(INDEX, _rule(pattern="WELFARE (CHECK"))
    assert response.status_code == 400
    assert "Not a valid regular expression: missing ), unterminated subpattern" in (
        response.content.decode()
    )
    everything = staff_client.post(INDEX, _rule(pattern="X?"))
    assert "would match every call type" in everything.content.decode()
    nowhere = staff_client.post(PREVIEW, _rule())
    assert "Choose the jurisdiction whose call types to preview." in nowhere.content.decode()
    assert not DictionaryEntry.objects.exists()


def test_staff_change_and_remove_a_rule(imported_a, staff_client):
    staff_client.post(INDEX, _rule())
    entry = DictionaryEntry.objects.get()
    url = reverse("calldata:dictionary_entry", args=[entry.pk])
    assert staff_client.get(url).status_code == 200
    code = _rule(kind="code", pattern=" noise complaint ", category="welfare_check")
    preview = staff_client.post(
        reverse("calldata:dictionary_entry_preview", args=[entry.pk]),
        {**code, "preview_on": imported_a.jurisdiction_id},
    )
    assert preview.status_code == 200 and preview.context["preview"]["changes"]
    assert "Welfare check" in preview.content.decode()  # the category's label, not its key
    entry.refresh_from_db()
    assert entry.kind == "keyword"  # a preview changes nothing
    assert staff_client.get(reverse("calldata:dictionary_preview")).status_code == 405
    assert staff_client.post(url, code).status_code == 302
    entry.refresh_from_db()
    assert (entry.kind, entry.pattern) == ("code", "NOISE COMPLAINT")
    noise = CallTypeMapping.objects.get(call_type="NOISE COMPLAINT")
    assert noise.category == "welfare_check"
    assert (
        staff_client.get(reverse("calldata:dictionary_delete", args=[entry.pk])).status_code == 405
    )
    staff_client.post(reverse("calldata:dictionary_delete", args=[entry.pk]))
    assert not DictionaryEntry.objects.exists()
    noise.refresh_from_db()
    assert noise.category == "noise_disturbance"


def test_a_jurisdictions_own_rules_come_before_program_wide_ones(jurisdiction_a):
    wide = DictionaryEntry.objects.create(category="medical", kind="code", pattern="NOISE")
    own = DictionaryEntry.objects.create(
        category="welfare_check", kind="code", pattern="NOISE", jurisdiction=jurisdiction_a
    )
    assert selectors.dictionary_entries_for(jurisdiction_a.pk) == [own, wide]
    assert selectors.classifier_for(jurisdiction_a.pk).explain("NOISE")[0] == "welfare_check"
