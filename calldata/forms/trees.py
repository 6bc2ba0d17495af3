"""The decision tree: its JSON form and the outline editor."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from django import forms

from calldata.engine import tree as tree_engine
from calldata.engine.fields import FLAG_SYNONYMS
from calldata.engine.tree import OUTCOMES, TreeError, validate
from calldata.forms._common import words
from calldata.models import CATEGORY_CHOICES


class TreeForm(forms.Form):
    name = forms.CharField(max_length=150)
    note = forms.CharField(max_length=200, required=False, label="What changed")
    nodes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}), label="Tree (JSON)"
    )

    def clean_nodes(self) -> dict:
        try:
            nodes = json.loads(self.cleaned_data["nodes"])
        except json.JSONDecodeError as error:
            raise forms.ValidationError(f"Not valid JSON: {error}") from error
        try:
            validate(nodes)
        except TreeError as error:
            raise forms.ValidationError(str(error)) from error
        return nodes

    @classmethod
    def for_version(cls, start: Any) -> TreeForm:
        """The JSON of the version the editor starts from (the sample tree without one)."""
        nodes = start.nodes if start else tree_engine.DEFAULT_TREE
        name = start.name if start else DEFAULT_NAME
        return cls(prefix="json", initial={"name": name, "nodes": json.dumps(nodes, indent=2)})


DEFAULT_NAME = "Dispatcher triage"
NODE_TYPES = [("question", "A question"), *((k, f"Answer: {v}") for k, v in OUTCOMES.items())]
TEST_CHOICES = [
    ("category", "The call's category is one of…"),
    ("marker", "The call type indicates a weapon, violence, injury or urgency"),
    ("priority_at_most", "The priority is this urgent or more"),
    ("keyword", "The call type contains one of these words"),
    ("call_type", "The call type is exactly one of…"),
    ("flag", "A behavioural flag column of the export is set"),
    ("officer_initiated", "The call was officer-initiated"),
]
MARKER_CHOICES = [(k, v.removeprefix("a ").removeprefix("an ").capitalize()) for k, v in
                  tree_engine.MARKER_NAMES.items()]  # fmt: skip
NODE_FIELDS = (
    *("type", "question", "test", "marker", "flag"),
    *("categories", "values", "priority", "label"),
)
NODE_PATH = re.compile(r"^(root(?:\.(?:yes|no)){0,20})-type$")


def _flatten(node: dict, path: str = "root") -> dict[str, Any]:
    """The editor's initial field values for a tree."""
    if "leaf" in node:
        return {f"{path}-type": node["leaf"], f"{path}-label": node.get("label", "")}
    test = node.get("test", {})
    kind = test.get("kind", "category")
    values = {
        f"{path}-type": "question",
        f"{path}-question": node.get("question", ""),
        f"{path}-test": kind,
        f"{path}-marker": test.get("name", "") if kind == "marker" else "",
        f"{path}-flag": test.get("name", "") if kind == "flag" else "",
        f"{path}-categories": test.get("values", []) if kind == "category" else [],
        f"{path}-values": ", ".join(test.get("values", []))
        if kind in ("call_type", "keyword")
        else "",
        f"{path}-priority": test.get("value") if kind == "priority_at_most" else None,
    }
    for branch in ("yes", "no"):
        values.update(_flatten(node.get(branch, {"leaf": "police"}), f"{path}.{branch}"))
    return values


class TreeEditorForm(forms.Form):
    """The decision tree as an outline of fields, one group per node, addressed by path
    ("root", "root.yes", "root.no.yes"…). Unbound, it shows a tree; bound, it reads the
    posted outline back into a tree (`tree()`), leniently enough to apply an editing
    operation to a half-filled tree, strictly (with `is_valid()`) to save one."""

    name = forms.CharField(max_length=150, label="Tree name")
    note = forms.CharField(max_length=200, required=False, label="What changed (optional)")

    def __init__(
        self,
        data: Any = None,
        *,
        tree: dict | None = None,
        flags: Sequence[str] = (),
        initial: dict | None = None,
    ) -> None:
        initial = dict(initial or {})
        if data is None:
            initial.update(_flatten(tree or tree_engine.DEFAULT_TREE))
            self.paths = tree_engine.paths(tree or tree_engine.DEFAULT_TREE)
        else:
            found = {m.group(1) for key in data if (m := NODE_PATH.match(key))}
            self.paths = self._posted_paths(data, found, "root") or ["root"]
        super().__init__(data, initial=initial)
        self.flags = list(flags)
        flag_choices = [(f, f.replace("_", " ")) for f in dict.fromkeys([*flags, *FLAG_SYNONYMS])]
        for path in self.paths:
            self.fields[f"{path}-type"] = forms.ChoiceField(choices=NODE_TYPES, label="This step")
            self.fields[f"{path}-question"] = forms.CharField(
                max_length=300, required=False, label="Question the dispatcher asks"
            )
            self.fields[f"{path}-test"] = forms.ChoiceField(
                choices=TEST_CHOICES, required=False, label="Answered “yes” in the data when"
            )
            self.fields[f"{path}-marker"] = forms.ChoiceField(
                choices=MARKER_CHOICES, required=False, label="Marker"
            )
            self.fields[f"{path}-flag"] = forms.ChoiceField(
                choices=flag_choices, required=False, label="Flag column"
            )
            self.fields[f"{path}-categories"] = forms.MultipleChoiceField(
                choices=CATEGORY_CHOICES,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label="Categories",
            )
            self.fields[f"{path}-values"] = forms.CharField(
                max_length=1000,
                required=False,
                label="Call types or words (comma-separated)",
            )
            self.fields[f"{path}-priority"] = forms.IntegerField(
                min_value=0, max_value=9, required=False, label="Priority (1 = most urgent)"
            )
            self.fields[f"{path}-label"] = forms.CharField(
                max_length=80, required=False, label="Label on the diagram (optional)"
            )

        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if select else "form-control form-control-sm"
            )

    @classmethod
    def for_version(cls, start: Any, *, flags: list[str]) -> TreeEditorForm:
        """The outline of the version the editor starts from (the sample tree without one)."""
        return cls(
            tree=start.nodes if start else None,
            flags=flags,
            initial={"name": start.name if start else DEFAULT_NAME},
        )

    def redrawn(self, tree: dict | None = None) -> TreeEditorForm:
        """The posted outline (or another tree) shown again, unsaved, with its name and note."""
        initial = {"name": self.data.get("name", ""), "note": self.data.get("note", "")}
        tree = self.tree() if tree is None else tree
        return TreeEditorForm(tree=tree, flags=self.flags, initial=initial)

    def blank(self) -> TreeEditorForm:
        """A blank tree (one question to write) under the posted name and note."""
        return self.redrawn(tree_engine.BLANK_TREE)

    def changed(self, change: str) -> tuple[TreeEditorForm, str, str]:
        """The posted outline after one editing operation ("ask:root.no", "swap:root"…, see
        tree_engine.operate), the node to focus, and why the operation could not apply."""
        problem = ""
        try:
            tree = tree_engine.operate(self.tree(), change)
        except TreeError as error:
            tree, problem = self.tree(), str(error)
        name, _, path = change.partition(":")
        focus = path.rpartition(".")[0] if name == "up" else path
        return self.redrawn(tree), focus, problem

    @classmethod
    def _posted_paths(cls, data: Any, found: set[str], path: str) -> list[str]:
        """The posted nodes reachable from the root, parents first, Yes before No (a node
        under what is now an answer is dropped)."""
        if path not in found:
            return []
        if data.get(f"{path}-type") != "question":
            return [path]
        return [
            path,
            *cls._posted_paths(data, found, f"{path}.yes"),
            *cls._posted_paths(data, found, f"{path}.no"),
        ]

    def _value(self, name: str) -> Any:
        if self.is_bound and hasattr(self, "cleaned_data") and name in self.cleaned_data:
            return self.cleaned_data[name]
        if not self.is_bound:
            return self.initial.get(name)
        field = self.fields[name]
        if isinstance(field, forms.MultipleChoiceField):
            return self.data.getlist(name) if hasattr(self.data, "getlist") else self.data.get(name)
        return self.data.get(name)

    def _test(self, path: str) -> dict:
        kind = self._value(f"{path}-test") or "category"
        if kind == "marker":
            return {"kind": kind, "name": self._value(f"{path}-marker") or "weapon"}
        if kind == "flag":
            return {"kind": kind, "name": self._value(f"{path}-flag") or "mental_health"}
        if kind == "category":
            return {"kind": kind, "values": list(self._value(f"{path}-categories") or [])}
        if kind in ("call_type", "keyword"):
            return {"kind": kind, "values": words(str(self._value(f"{path}-values") or ""))}
        if kind == "priority_at_most":
            try:
                value = int(self._value(f"{path}-priority"))
            except (TypeError, ValueError):
                value = 1
            return {"kind": kind, "value": value}
        return {"kind": kind}

    def tree(self, path: str = "root") -> dict:
        if path not in self.paths:
            return {"leaf": "police"}
        kind = self._value(f"{path}-type")
        if kind != "question":
            node = {"leaf": kind if kind in OUTCOMES else "police"}
            label = str(self._value(f"{path}-label") or "").strip()
            return {**node, "label": label} if label else node
        return {
            "question": str(self._value(f"{path}-question") or "").strip(),
            "test": self._test(path),
            "yes": self.tree(f"{path}.yes"),
            "no": self.tree(f"{path}.no"),
        }

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        for path in self.paths:
            if data.get(f"{path}-type") != "question":
                continue
            if not str(data.get(f"{path}-question") or "").strip():
                self.add_error(f"{path}-question", "Write the question the dispatcher asks.")
            kind = data.get(f"{path}-test")
            if not kind:
                self.add_error(f"{path}-test", "Choose what this question tests in the data.")
            elif kind == "category" and not data.get(f"{path}-categories"):
                self.add_error(f"{path}-categories", "Choose at least one category.")
            elif kind in ("call_type", "keyword") and not words(data.get(f"{path}-values") or ""):
                self.add_error(f"{path}-values", "Give at least one call type or word.")
            elif kind == "priority_at_most" and data.get(f"{path}-priority") is None:
                self.add_error(f"{path}-priority", "Give the priority (1 = most urgent).")
        if not self.errors:
            try:
                validate(self.tree())
            except TreeError as error:
                raise forms.ValidationError(str(error)) from error
        return data

    def nodes(self) -> list[dict]:
        """The outline to render: one entry per node with its bound fields, parents first."""
        outline = []
        for path in self.paths:
            steps = path.split(".")[1:]
            kind = self._value(f"{path}-type")
            outline.append(
                {
                    "path": path,
                    "depth": len(steps),
                    "branch": steps[-1] if steps else "",
                    "trail": " → ".join(s.capitalize() for s in steps) or "First question",
                    "is_question": kind == "question",
                    "test_kind": self._value(f"{path}-test") or "category",
                    "fields": {n: self[f"{path}-{n}"] for n in NODE_FIELDS},
                }
            )
        return outline
