"""The scenario builder and the presets."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from calldata.engine.presets import presets
from calldata.engine.scenario import with_defaults
from calldata.forms._common import words
from calldata.models import CATEGORY_CHOICES


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
        return words(self.cleaned_data.get("exclude_keywords") or "")

    def criteria(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("name", None)
        return data

    @classmethod
    def initial_for(cls, scenario: Any) -> dict:
        """The builder's starting values: the scenario's, or the defaults for a new one."""
        if scenario is None:
            return cls.initial_from(with_defaults({}), "New scenario")
        return cls.initial_from(scenario.criteria, scenario.name)

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
