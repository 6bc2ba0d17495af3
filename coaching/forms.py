from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms

from coaching.models import CoachingLog, Deliverable, Workstream
from coaching.selectors import staff_members
from gpl_cohort.forms import PersonChoiceField


def parse_duration(value: str) -> int:
    """Minutes from "1.5", "1,5", "1:30", "90m" or "2h"; 15-minute steps only."""
    text = (value or "").strip().lower().replace(",", ".")
    minutes: Decimal
    try:
        if match := re.fullmatch(r"(\d{1,2}):([0-5]\d)", text):
            minutes = Decimal(int(match[1]) * 60 + int(match[2]))
        elif match := re.fullmatch(r"(\d{1,4})\s*m(in)?", text):
            minutes = Decimal(match[1])
        else:
            minutes = Decimal(text.removesuffix("h").strip()) * 60
    except InvalidOperation as error:
        raise forms.ValidationError(
            "Write the time in hours, e.g. 1.5 or 1:30.", code="invalid"
        ) from error
    if minutes != minutes.to_integral_value() or minutes % 15:
        raise forms.ValidationError("Use 15-minute steps: 0.25, 0.5, 0.75, 1, 1.25 … hours.")
    if not 15 <= minutes <= 16 * 60:
        raise forms.ValidationError("Between 0.25 and 16 hours.")
    return int(minutes)


class DurationField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Hours")
        kwargs.setdefault("help_text", "15-minute steps: 0.25, 0.5, 1.5 or 1:30")
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.0", "size": 5}
        )

    def clean(self, value: Any) -> int | None:
        value = super().clean(value)
        if value in (None, ""):
            return None
        return parse_duration(value)


def _staff_choice_field(required: bool = False) -> PersonChoiceField:
    return PersonChoiceField(
        queryset=staff_members(), required=required, label="Program staff member"
    )


class CoachingLogForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    duration = DurationField()
    kind = forms.ChoiceField(choices=CoachingLog.Kind.choices)
    workstream = forms.ChoiceField(choices=Workstream.choices)
    staff_member = _staff_choice_field()
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_steps = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_member"] = _staff_choice_field()


class WeekRowForm(forms.Form):
    """One day row of the week grid: left empty, it is skipped."""

    date = forms.DateField(widget=forms.HiddenInput)
    duration = DurationField(required=False, label="Hours")
    kind = forms.ChoiceField(
        choices=[("", "—"), *CoachingLog.Kind.choices], required=False, label="Kind"
    )
    workstream = forms.ChoiceField(
        choices=[("", "—"), *Workstream.choices], required=False, label="Workstream"
    )
    staff_member = PersonChoiceField(queryset=None, required=False, label="With")
    notes = forms.CharField(required=False, label="Notes")
    next_steps = forms.CharField(required=False, label="Next steps")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_member"] = _staff_choice_field()
        self.fields["staff_member"].label = "With"
        self.fields["staff_member"].widget.attrs["class"] = "form-select form-select-sm"

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("duration") and not any(
            data.get(f) for f in ("kind", "workstream", "notes", "next_steps")
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.is_blank:
            return data
        if not data.get("duration") and "duration" not in self.errors:
            self.add_error("duration", "How long? (hours, 15-minute steps)")
        if not data.get("kind"):
            self.add_error("kind", "Choose the kind of work.")
        if not data.get("workstream"):
            self.add_error("workstream", "Choose the workstream.")
        return data


class _WeekRows(forms.BaseFormSet):
    """The seven day rows, offering one staff list read once (not once per row)."""

    def _construct_form(self, i: int, **kwargs: Any) -> WeekRowForm:
        # _construct_form is Django's private hook, absent from django-stubs.
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        field = form.fields["staff_member"]

        def staff_choices() -> list[tuple[Any, str]]:
            # One plain query (Django's choice iterator counts first, then reads the rows
            # through a server-side cursor), shared by the seven rows, made only if the
            # menu is shown (a saved week redirects without it).
            if not hasattr(self, "_staff_choices"):
                self._staff_choices = [
                    ("", field.empty_label),
                    *((user.pk, field.label_from_instance(user)) for user in field.queryset),
                ]
            return self._staff_choices

        field.choices = staff_choices
        return form


WeekFormSet = forms.formset_factory(
    WeekRowForm, formset=_WeekRows, extra=0, min_num=7, max_num=7, validate_max=True
)


class ExportForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The end date is before the start date.")
            if end - start > dt.timedelta(days=3 * 366):
                raise forms.ValidationError("Export at most three years at a time.")
        return data


class DeliverableForm(forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = ["workstream", "title", "description", "due_on", "status", "owner"]
        field_classes = {"owner": PersonChoiceField}
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, jurisdiction_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        from gpl_cohort.accounts.models import User

        cast(PersonChoiceField, self.fields["owner"]).queryset = User.objects.filter(
            Q(is_staff=True) | Q(contact_jurisdiction_id=jurisdiction_id), is_active=True
        ).order_by("full_name")


class DocumentForm(forms.Form):
    file = forms.FileField(
        label="Attach a document", help_text="PDF, Word, Excel, CSV, image or ZIP; up to 25 MB."
    )
