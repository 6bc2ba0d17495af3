"""The decision tree editor: an outline of questions and answers posted as a form, editing
operations, validation, saving a new version, and the pure tree operations behind it."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from calldata.engine import tree as tree_engine
from calldata.forms.trees import TreeEditorForm, _flatten
from calldata.models import DecisionTree

pytestmark = pytest.mark.django_db

TWO_QUESTIONS = {
    "question": "Is anyone in immediate danger?",
    "test": {"kind": "priority_at_most", "value": 1},
    "yes": {"leaf": "police"},
    "no": {
        "question": "Is it a mental-health or welfare concern?",
        "test": {"kind": "category", "values": ["behavioral_health", "welfare_check"]},
        "yes": {"leaf": "alternative", "label": "Crisis team"},
        "no": {"leaf": "police"},
    },
}


def _post(tree: dict, **extra) -> dict:
    data = {"name": "Triage", "note": ""}
    for key, value in _flatten(tree).items():
        if value in (None, "", []):
            continue
        data[key] = value
    data.update(extra)
    return data


def _action(name: str, dataset) -> str:
    return reverse(f"calldata:tree_{name}", args=[dataset.jurisdiction_id])


def test_the_outline_reads_back_the_tree_it_shows():
    form = TreeEditorForm(_post(TWO_QUESTIONS))
    assert form.is_valid(), form.errors
    assert form.tree() == TWO_QUESTIONS
    assert [n["path"] for n in form.nodes()] == [
        "root", "root.yes", "root.no", "root.no.yes", "root.no.no",
    ]  # fmt: skip


def test_a_question_without_text_or_categories_gets_a_message_per_field():
    data = _post(TWO_QUESTIONS)
    data["root.no-question"] = " "
    del data["root.no-categories"]
    form = TreeEditorForm(data)
    assert not form.is_valid()
    assert form.errors["root.no-question"] == ["Write the question the dispatcher asks."]
    assert form.errors["root.no-categories"] == ["Choose at least one category."]


def test_nodes_under_what_is_now_an_answer_are_dropped():
    data = _post(TWO_QUESTIONS, **{"root.no-type": "ems"})
    form = TreeEditorForm(data)
    assert form.is_valid(), form.errors
    assert form.tree()["no"] == {"leaf": "ems"}


def test_the_editing_operations_keep_every_branch():
    asked = tree_engine.operate(TWO_QUESTIONS, "ask:root.yes")
    assert asked["yes"]["yes"] == {"leaf": "police"} and asked["yes"]["no"] == {"leaf": "police"}
    swapped = tree_engine.operate(TWO_QUESTIONS, "swap:root.no")
    assert swapped["no"]["yes"] == {"leaf": "police"}
    assert swapped["no"]["no"]["label"] == "Crisis team"
    moved = tree_engine.operate(TWO_QUESTIONS, "up:root.no")
    assert moved["question"] == "Is it a mental-health or welfare concern?"
    assert moved["no"]["question"] == "Is anyone in immediate danger?"
    assert moved["no"]["yes"]["label"] == "Crisis team"
    assert tree_engine.operate(TWO_QUESTIONS, "keep_no:root") == TWO_QUESTIONS["no"]
    assert TWO_QUESTIONS["no"]["yes"]["leaf"] == "alternative"  # never changed in place
    with pytest.raises(tree_engine.TreeError):
        tree_engine.operate(TWO_QUESTIONS, "up:root")
    with pytest.raises(tree_engine.TreeError):
        tree_engine.operate(TWO_QUESTIONS, "swap:root.yes.no")
    with pytest.raises(tree_engine.TreeError):
        tree_engine.operate(TWO_QUESTIONS, "explode:root")


def test_a_contact_builds_a_tree_with_operations_and_saves_a_version(imported_a, contact_a_client):
    url = reverse("calldata:trees", args=[imported_a.jurisdiction_id])
    page = contact_a_client.get(url)
    assert page.status_code == 200
    assert 'data-testid="tree-preview"' in page.content.decode()
    blank = contact_a_client.post(_action("blank", imported_a), _post(TWO_QUESTIONS))
    assert blank.context["editor"].tree() == tree_engine.BLANK_TREE
    asked = contact_a_client.post(
        _action("change", imported_a),
        _post(tree_engine.BLANK_TREE, change="ask:root.no"),
        headers={"X-Tree-Editor": "partial"},
    )
    assert asked.status_code == 200
    assert "<html" not in asked.content.decode()  # only the outline and the diagram
    assert asked.context["editor"].tree()["no"]["no"] == {"leaf": "alternative"}
    saved = contact_a_client.post(
        _action("save", imported_a), _post(TWO_QUESTIONS, note="two questions")
    )
    tree = DecisionTree.objects.get()
    assert saved["Location"] == reverse("calldata:tree", args=[tree.pk])
    assert tree.nodes == TWO_QUESTIONS and tree.version == 1 and tree.note == "two questions"
    contact_a_client.post(_action("save", imported_a), _post(TWO_QUESTIONS))
    assert DecisionTree.objects.get(version=2).nodes == TWO_QUESTIONS
    detail = contact_a_client.get(reverse("calldata:tree", args=[tree.pk]))
    leaves = detail.context["leaves"]
    assert [leaf["path"] for leaf in leaves] == ["root.yes", "root.no.yes", "root.no.no"]
    assert sum(leaf["count"] for leaf in leaves) == imported_a.rows_kept
    assert "Crisis team" in detail.content.decode()


def test_an_incomplete_tree_is_not_saved_and_says_why(imported_a, contact_a_client):
    response = contact_a_client.post(_action("save", imported_a), _post(tree_engine.BLANK_TREE))
    assert response.status_code == 400
    assert "Write the question the dispatcher asks." in response.content.decode()
    assert not DecisionTree.objects.exists()
    odd = contact_a_client.post(
        _action("change", imported_a), _post(TWO_QUESTIONS, change="up:root")
    )
    assert odd.status_code == 200 and "can move up" in odd.content.decode()


def test_the_editor_starts_from_a_chosen_version_and_hides_other_jurisdictions(
    imported_a, contact_a, contact_b_client, contact_a_client
):
    tree = DecisionTree.objects.create(
        jurisdiction=imported_a.jurisdiction,
        name="Night",
        nodes=TWO_QUESTIONS,
        created_by=contact_a,
    )
    url = reverse("calldata:trees", args=[imported_a.jurisdiction_id])
    page = contact_a_client.get(f"{url}?from={tree.pk}")
    assert page.context["editor"].tree() == TWO_QUESTIONS
    assert page.context["editor"]["name"].value() == "Night"
    assert contact_b_client.get(url).status_code == 404
    for action in ("redraw", "blank", "change", "save", "save_json"):
        assert (
            contact_b_client.post(_action(action, imported_a), _post(TWO_QUESTIONS)).status_code
            == 404
        )
    assert DecisionTree.objects.count() == 1


def test_each_editor_action_has_its_own_url_and_the_page_itself_only_reads(
    imported_a, contact_a_client
):
    url = reverse("calldata:trees", args=[imported_a.jurisdiction_id])
    assert contact_a_client.post(url, _post(TWO_QUESTIONS)).status_code == 405
    assert contact_a_client.get(_action("save", imported_a)).status_code == 405
    redrawn = contact_a_client.post(_action("redraw", imported_a), _post(TWO_QUESTIONS))
    assert redrawn.status_code == 200 and redrawn.context["editor"].tree() == TWO_QUESTIONS
    no_change = contact_a_client.post(_action("change", imported_a), _post(TWO_QUESTIONS))
    assert no_change.status_code == 400
    assert not DecisionTree.objects.exists()


def test_a_tree_written_as_json_is_saved_and_bad_json_says_why(imported_a, contact_a_client):
    bad = contact_a_client.post(
        _action("save_json", imported_a), {"json-name": "T", "json-nodes": "{not json"}
    )
    assert bad.status_code == 400 and "Not valid JSON" in bad.content.decode()
    saved = contact_a_client.post(
        _action("save_json", imported_a),
        {"json-name": "T", "json-note": "", "json-nodes": json.dumps(TWO_QUESTIONS)},
    )
    tree = DecisionTree.objects.get()
    assert saved["Location"] == reverse("calldata:tree", args=[tree.pk])
    assert tree.nodes == TWO_QUESTIONS


def test_the_diagram_escapes_what_a_person_wrote(imported_a, contact_a_client):
    tree = {**TWO_QUESTIONS, "question": "<script>alert(1)</script>?"}
    page = contact_a_client.post(_action("redraw", imported_a), _post(tree))
    html = page.content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;?" in html
