from __future__ import annotations

import json
import re
import zoneinfo
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from calldata.engine import tree as tree_engine
from calldata.engine.codes import KINDS
from calldata.engine.codes import MAX_BYTES as MAX_CODE_TABLE_BYTES
from calldata.engine.fields import (
    ADDRESS_PARTS,
    CATEGORIES,
    CLOCK_FIELDS,
    FIELD_LABELS,
    FLAG_SYNONYMS,
)
from calldata.engine.presets import presets
from calldata.engine.tree import OUTCOMES, TreeError, validate
from calldata.models import Dataset, DictionaryEntry, OutcomeRecord, ReadingSettings
from calldata.outcomes import outcomes_import_check
from jurisdictions.models import Jurisdiction

CATEGORY_CHOICES = list(CATEGORIES.items())


class _ForJurisdictionForm(forms.Form):
    """A form for one of the jurisdictions this person works for (hidden when only one)."""

    jurisdiction = forms.ModelChoiceField(queryset=Jurisdiction.objects.none())

    def __init__(self, *args: Any, jurisdictions: QuerySet[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["jurisdiction"]).queryset = jurisdictions
        if jurisdictions.count() == 1:
            self.fields["jurisdiction"].initial = jurisdictions.first()
            self.fields["jurisdiction"].widget = forms.HiddenInput()


class UploadForm(_ForJurisdictionForm):
    file = forms.FileField(
        allow_empty_file=True,  # kept and reported by the import, like any unreadable file
        label="CAD calls-for-service export",
        help_text="CSV (any delimiter, UTF-8 or Windows-1252), Excel .xlsx, or a .zip holding "
        "one of them. Large files are fine: the import runs in the background.",
    )


class CodeTableForm(_ForJurisdictionForm):
    kind = forms.ChoiceField(
        label="The codes it describes",
        choices=[("", "Detect from the file"), *KINDS.items()],
        required=False,
        help_text="Detected from the file's name and headers (“dispositions.csv”, "
        "“BEAT_DESC”), else from which column of the latest import shares its codes.",
    )
    file = forms.FileField(
        label="Code table file",
        allow_empty_file=True,  # refused by the service with its reason
        help_text="CSV or .xlsx with a code column and a description column (for example "
        "CODE, DESCRIPTION), one code per line. It replaces the jurisdiction's table of the "
        "same kind.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CODE_TABLE_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024**2:.1f} MB; a code table is at most "
                f"{MAX_CODE_TABLE_BYTES // 1024**2} MB. Is this the export itself?"
            )
        return upload


class _DatasetsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Dataset) -> str:
        return f"{obj.original_name} · {obj.first_day} – {obj.last_day} · {obj.rows_kept:,} calls"


class CombineForm(forms.Form):
    datasets = _DatasetsField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Imported files to analyse together",
        help_text="Files with the same columns (yearly exports of one CAD system, say). An "
        "incident found in several files is counted once, merged by its incident id.",
    )

    def __init__(self, *args: Any, datasets: QuerySet[Dataset], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(_DatasetsField, self.fields["datasets"]).queryset = datasets


US_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
]


def time_zone_choices() -> list[tuple[str, Any]]:
    others = sorted(zoneinfo.available_timezones() - set(US_ZONES) - {"localtime"})
    return [
        ("United States", [(z, z.replace("_", " ")) for z in US_ZONES]),
        ("Other zones", [(z, z.replace("_", " ")) for z in others]),
    ]


class MappingForm(forms.Form):
    """One select per canonical field, listing the file's headers; the parts of a split
    address; the time zone of the file's local times."""

    time_zone = forms.ChoiceField(
        label="Time zone of the file's times",
        required=False,  # left out: the proposed zone stays
        help_text="Times without a UTC offset are read as local times in this zone.",
    )

    def __init__(
        self, *args: Any, headers: list[str], mapping: dict, time_zone: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —")] + [(h, h) for h in headers]
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = time_zone_choices()
        self.fields["time_zone"].initial = time_zone
        # (form field prefix, mapping key, {name: label}) for each group of column choices.
        groups = [
            ("field", "fields", FIELD_LABELS),
            (
                "clock",
                "clock_columns",
                {
                    n: f"{FIELD_LABELS[n]}: time of day, when in a column of its own"
                    for n in CLOCK_FIELDS
                },
            ),
            (
                "address",
                "address_parts",
                {
                    p: f"Address from parts: {label.lower()}"
                    for p, (label, _) in ADDRESS_PARTS.items()
                },
            ),
            ("flag", "flags", {f: f"Flag column: {f.replace('_', ' ')}" for f in FLAG_SYNONYMS}),
        ]
        for prefix, key, labels in groups:
            chosen = mapping.get(key, {})
            for name, label in labels.items():
                self.fields[f"{prefix}_{name}"] = forms.ChoiceField(
                    label=label, choices=choices, required=False, initial=chosen.get(name, "")
                )
        self.fields["accept_clock_warning"] = forms.BooleanField(
            required=False,
            label="Import anyway: I checked, the file has no time of day for its calls",
        )

    def field_groups(self) -> dict[str, list]:
        """The form's fields in the page's sections."""
        groups: dict[str, list] = {"fields": [], "clocks": [], "address": [], "flags": []}
        for bound in self:
            prefix = bound.name.split("_", 1)[0]
            if prefix in ("field", "flag", "clock"):
                groups[f"{prefix}s"].append(bound)
            elif prefix == "address":
                groups["address"].append(bound)
        return groups

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("field_address") and any(data.get(f"address_{p}") for p in ADDRESS_PARTS):
            self.add_error(
                "field_address",
                "Choose either one address column or the parts of a split address, not both.",
            )
        return data

    def mapping(self) -> dict:
        data = self.cleaned_data
        mapping = {
            "fields": {n: data[f"field_{n}"] for n in FIELD_LABELS if data.get(f"field_{n}")},
            "flags": {f: data[f"flag_{f}"] for f in FLAG_SYNONYMS if data.get(f"flag_{f}")},
        }
        parts = {p: data[f"address_{p}"] for p in ADDRESS_PARTS if data.get(f"address_{p}")}
        if parts:
            mapping["address_parts"] = parts
        clocks = {n: data[f"clock_{n}"] for n in CLOCK_FIELDS if data.get(f"clock_{n}")}
        if clocks:
            mapping["clock_columns"] = clocks
        return mapping


class ReadingSettingsForm(forms.ModelForm):
    """How a jurisdiction's exports are read: codes, unknown values, the priority scale."""

    class Meta:
        model = ReadingSettings
        fields = [
            "priority_order",
            "priority_most_urgent",
            "not_a_call_codes",
            "cancelled_codes",
            "unfounded_codes",
            "unknown_values",
        ]
        labels = {
            "priority_order": "Which end of your priority scale is the most urgent?",
            "priority_most_urgent": "The priority value of your most urgent calls",
            "not_a_call_codes": "Not calls (dropped and counted)",
            "cancelled_codes": "Cancelled calls (kept, flagged, left out of scenarios)",
            "unfounded_codes": "Unfounded calls (kept, flagged)",
            "unknown_values": "Values meaning “unknown” for a beat, district or unit type",
        }
        widgets = {
            "priority_order": forms.RadioSelect,
            "not_a_call_codes": forms.Textarea(attrs={"rows": 2}),
            "cancelled_codes": forms.Textarea(attrs={"rows": 2}),
            "unfounded_codes": forms.Textarea(attrs={"rows": 2}),
            "unknown_values": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["priority_order"]).choices = [
            c for c in ReadingSettings.PriorityOrder.choices if c[0]
        ]
        self.fields["priority_order"].required = True
        self.fields["priority_most_urgent"].required = True
        for name in ("not_a_call_codes", "cancelled_codes", "unfounded_codes", "unknown_values"):
            self.fields[name].help_text = (
                "Comma-separated. A disposition matches when it, or its first word "
                "(“DUP - Duplicate call”), equals a code; case does not matter."
            )
        self.fields["unknown_values"].help_text = "Comma-separated; case does not matter."


def _words(value: str) -> list[str]:
    return [w.strip() for w in value.replace("\n", ",").split(",") if w.strip()]


class ScenarioForm(forms.Form):
    name = forms.CharField(max_length=150)
    categories = forms.MultipleChoiceField(
        choices=CATEGORY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Eligible categories",
    )
    call_types = forms.MultipleChoiceField(
        choices=[],
        required=False,
        label="Also eligible: these call types",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    include_flags = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Also eligible: calls with these flags",
    )
    exclude_weapon = forms.BooleanField(required=False, label="Exclude: weapon indicated")
    exclude_violence = forms.BooleanField(required=False, label="Exclude: violence indicated")
    exclude_injury = forms.BooleanField(required=False, label="Exclude: injury indicated")
    exclude_flags = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Exclude: calls with these flags",
    )
    exclude_priority_at_or_above = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=99,
        label="Exclude priority this urgent or more (blank = none)",
    )
    exclude_keywords = forms.CharField(
        required=False, label="Exclude keywords (call type or remarks, comma-separated)"
    )
    hours_from = forms.IntegerField(
        min_value=0, max_value=23, initial=0, label="Team on duty from (hour)"
    )
    hours_to = forms.IntegerField(min_value=1, max_value=24, initial=24, label="until (hour)")
    weekdays_only = forms.BooleanField(
        required=False, label="On duty on weekdays only (Monday to Friday)"
    )
    beats = forms.MultipleChoiceField(
        choices=[],
        required=False,
        label="Only these beats / districts (none = all)",
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    exclude_officer_initiated = forms.BooleanField(
        required=False, label="Exclude officer-initiated calls"
    )
    exclude_cancelled = forms.BooleanField(
        required=False, initial=True, label="Exclude cancelled calls"
    )
    target_share = forms.FloatField(
        min_value=0.5, max_value=0.999, initial=0.9, label="Answer this share of calls…"
    )
    answer_within_min = forms.FloatField(
        min_value=1, max_value=240, initial=15, label="…within minutes"
    )
    minutes_per_call = forms.FloatField(
        required=False,
        min_value=5,
        max_value=600,
        label="Minutes a team spends per call (blank = from the data)",
    )

    def __init__(
        self,
        *args: Any,
        call_types: list[str],
        flags: list[str],
        beats: list[str],
        most_urgent: str = "1 = most urgent",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "exclude_priority_at_or_above"
        ].label = f"Exclude priority this urgent or more ({most_urgent}; blank = none)"
        cast(forms.ChoiceField, self.fields["call_types"]).choices = [(t, t) for t in call_types]
        flag_choices = [(f, f.replace("_", " ")) for f in flags]
        cast(forms.ChoiceField, self.fields["include_flags"]).choices = flag_choices
        cast(forms.ChoiceField, self.fields["exclude_flags"]).choices = flag_choices
        cast(forms.ChoiceField, self.fields["beats"]).choices = [(b, b) for b in beats]

    def clean_exclude_keywords(self) -> list[str]:
        return _words(self.cleaned_data.get("exclude_keywords") or "")

    def criteria(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("name", None)
        return data

    @staticmethod
    def initial_from(criteria: dict, name: str) -> dict:
        initial = dict(criteria)
        initial["name"] = name
        initial["exclude_keywords"] = ", ".join(criteria.get("exclude_keywords", []))
        return initial


class PresetForm(forms.Form):
    preset = forms.ChoiceField(choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["preset"]).choices = [
            (k, p["name"]) for k, p in presets().items()
        ]


class TaxonomyForm(forms.Form):
    """One category select per raw call type; built from the mapping rows."""

    def __init__(self, *args: Any, mappings: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for index, mapping in enumerate(mappings):
            name = f"ct_{index}"
            self.fields[name] = forms.ChoiceField(
                choices=CATEGORY_CHOICES, initial=mapping.category, label=mapping.call_type
            )
            self.fields[f"{name}_type"] = forms.CharField(
                widget=forms.HiddenInput, initial=mapping.call_type
            )
            self.rows.append((mapping, name))

    def bound_rows(self) -> list[tuple]:
        return [(mapping, self[name], self[f"{name}_type"]) for mapping, name in self.rows]

    def categories(self) -> dict[str, str]:
        return {self.cleaned_data[f"{name}_type"]: self.cleaned_data[name] for _, name in self.rows}


class DictionaryEntryForm(forms.ModelForm):
    """A staff rule of the call-type dictionary, and the jurisdiction to preview it on."""

    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.order_by("name"),
        required=False,
        empty_label="Program-wide (every jurisdiction)",
        label="Applies to",
    )
    preview_on = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.none(),
        required=False,
        empty_label="— choose a jurisdiction —",
        label="Preview on the call types of",
        help_text="For a program-wide rule; a jurisdiction's own rule is previewed on its data.",
    )

    class Meta:
        model = DictionaryEntry
        fields = ["jurisdiction", "category", "kind", "pattern", "note"]
        labels = {"kind": "Match kind", "note": "Note (what it stands for, e.g. APCO types)"}
        help_texts = {
            "pattern": "Keyword: a regular expression searched in the upper-cased call type "
            "(e.g. <code>\\bWELF(ARE)?\\b</code>). Exact code: the whole call type, e.g. "
            "<code>10-96</code>.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from calldata.selectors import jurisdictions_with_call_types

        cast(
            forms.ModelChoiceField, self.fields["preview_on"]
        ).queryset = jurisdictions_with_call_types()
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (DictionaryEntry.Kind.KEYWORD, "Keyword (regular expression)"),
            (DictionaryEntry.Kind.CODE, "Exact code"),
        ]

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        pattern, kind = (data.get("pattern") or "").strip(), data.get("kind")
        if pattern and kind == DictionaryEntry.Kind.KEYWORD:
            try:
                regex = re.compile(pattern, re.IGNORECASE)
            except re.error as error:
                self.add_error(
                    "pattern",
                    f"Not a valid regular expression: {error}. Escape special characters "
                    "such as ( ) [ ] + ? * with a backslash, or choose “Exact code”.",
                )
            else:
                if regex.search(""):
                    self.add_error(
                        "pattern",
                        "This pattern matches empty text, so it would match every call type.",
                    )
        return data

    def preview_jurisdiction(self) -> Jurisdiction | None:
        return self.cleaned_data.get("jurisdiction") or self.cleaned_data.get("preview_on")


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
            return {"kind": kind, "values": _words(str(self._value(f"{path}-values") or ""))}
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
            elif kind in ("call_type", "keyword") and not _words(data.get(f"{path}-values") or ""):
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


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = OutcomeRecord
        fields = [
            "occurred_on",
            "call_type",
            "response_min",
            "on_scene_min",
            "outcome",
            "race_ethnicity",
            "neighbourhood",
        ]
        widgets = {"occurred_on": forms.DateInput(attrs={"type": "date"})}
        labels = {
            "response_min": "Response time (minutes)",
            "on_scene_min": "Time on scene (minutes)",
            "neighbourhood": "Neighbourhood",
        }


class OutcomeImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV with columns date, call_type, response_min, "
        "on_scene_min, outcome, race_ethnicity, neighbourhood; up to 5 MB"
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        outcomes_import_check(upload)
        return upload
