"""Outcomes of calls: one by hand, or a CSV of them."""

from __future__ import annotations

from typing import Any

from django import forms

from calldata.models import OutcomeRecord
from calldata.outcomes import outcomes_import_check
from calldata.services.analysis import OUTCOME_CSV_COLUMNS


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
        help_text=f"CSV with columns {', '.join(OUTCOME_CSV_COLUMNS)}; up to 5 MB"
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        outcomes_import_check(upload)
        return upload
