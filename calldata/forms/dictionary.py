"""The taxonomy of call types and the dictionary rules."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms

from calldata.models import CATEGORY_CHOICES, DictionaryEntry
from jurisdictions.models import Jurisdiction


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
