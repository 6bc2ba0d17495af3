from __future__ import annotations

import json
from typing import Any

from django import forms

from calldata.engine.fields import CATEGORIES, FIELD_LABELS, FLAG_SYNONYMS
from calldata.engine.presets import presets
from calldata.engine.tree import TreeError, validate
from calldata.models import DictionaryEntry, OutcomeRecord
from jurisdictions.models import Jurisdiction

CATEGORY_CHOICES = list(CATEGORIES.items())


class UploadForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(queryset=Jurisdiction.objects.none())
    file = forms.FileField(
        allow_empty_file=True,  # kept and reported by the import, like any unreadable file
        label="CAD calls-for-service export",
        help_text="CSV (any delimiter, UTF-8 or Windows-1252), Excel .xlsx, or a .zip holding "
        "one of them. Large files are fine: the import runs in the background.",
    )

    def __init__(self, *args: Any, jurisdictions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = jurisdictions
        if jurisdictions.count() == 1:
            self.fields["jurisdiction"].initial = jurisdictions.first()
            self.fields["jurisdiction"].widget = forms.HiddenInput()


class MappingForm(forms.Form):
    """One select per canonical field, listing the file's headers."""

    def __init__(self, *args: Any, headers: list[str], mapping: dict, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —")] + [(h, h) for h in headers]
        fields = mapping.get("fields", {})
        flags = mapping.get("flags", {})
        for name, label in FIELD_LABELS.items():
            self.fields[f"field_{name}"] = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=fields.get(name, "")
            )
        for flag in FLAG_SYNONYMS:
            self.fields[f"flag_{flag}"] = forms.ChoiceField(
                label=f"Flag column: {flag.replace('_', ' ')}",
                choices=choices,
                required=False,
                initial=flags.get(flag, ""),
            )

    def mapping(self) -> dict:
        data = self.cleaned_data
        return {
            "fields": {n: data[f"field_{n}"] for n in FIELD_LABELS if data.get(f"field_{n}")},
            "flags": {f: data[f"flag_{f}"] for f in FLAG_SYNONYMS if data.get(f"flag_{f}")},
        }


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
        max_value=9,
        label="Exclude priority this urgent or more (1 = most urgent; blank = none)",
    )
    exclude_keywords = forms.CharField(
        required=False, label="Exclude keywords (call type or remarks, comma-separated)"
    )
    hours_from = forms.IntegerField(
        min_value=0, max_value=23, initial=0, label="Team on duty from (hour)"
    )
    hours_to = forms.IntegerField(min_value=1, max_value=24, initial=24, label="until (hour)")
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
        self, *args: Any, call_types: list[str], flags: list[str], beats: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["call_types"].choices = [(t, t) for t in call_types]
        flag_choices = [(f, f.replace("_", " ")) for f in flags]
        self.fields["include_flags"].choices = flag_choices
        self.fields["exclude_flags"].choices = flag_choices
        self.fields["beats"].choices = [(b, b) for b in beats]

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
        self.fields["preset"].choices = [(k, p["name"]) for k, p in presets().items()]


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
    class Meta:
        model = DictionaryEntry
        fields = ["category", "kind", "pattern", "note"]


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
        "on_scene_min, outcome, race_ethnicity, neighbourhood"
    )
