"""Uploads, combinations, the column mapping, reading settings and code tables."""

from __future__ import annotations

import zoneinfo
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from calldata.engine.codes import KINDS
from calldata.engine.codes import MAX_BYTES as MAX_CODE_TABLE_BYTES
from calldata.engine.fields import ADDRESS_PARTS, CLOCK_FIELDS, FIELD_LABELS, FLAG_SYNONYMS
from calldata.models import Dataset, ReadingSettings
from jurisdictions.models import Jurisdiction


class _ForJurisdictionForm(forms.Form):
    """A form for one of the jurisdictions this person works for (hidden when only one)."""

    jurisdiction = forms.ModelChoiceField(queryset=Jurisdiction.objects.none())

    def __init__(self, *args: Any, jurisdictions: Any, **kwargs: Any) -> None:
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
