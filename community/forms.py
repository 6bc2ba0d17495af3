from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.password_validation import validate_password

from community.models import NewsletterIssue
from jurisdictions.models import US_STATES, Jurisdiction

TIME_ZONES = [
    ("America/New_York", "Eastern"),
    ("America/Chicago", "Central"),
    ("America/Denver", "Mountain"),
    ("America/Phoenix", "Arizona"),
    ("America/Los_Angeles", "Pacific"),
    ("America/Anchorage", "Alaska"),
    ("Pacific/Honolulu", "Hawaii"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico)"),
    ("Pacific/Guam", "Chamorro (Guam)"),
]


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class JoinForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(
        label="Work email",
        help_text="A .gov or .us address (or one staff approved for your jurisdiction) is "
        "accepted at once; other addresses wait for staff approval.",
    )
    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.order_by("state", "name"),
        required=False,
        label="Your jurisdiction",
        help_text="Not in the list? Leave this empty and enter it below.",
    )
    new_jurisdiction_name = forms.CharField(
        label="New jurisdiction: name", max_length=150, required=False
    )
    new_jurisdiction_state = forms.ChoiceField(
        label="New jurisdiction: state", choices=[("", "—"), *US_STATES], required=False
    )
    new_jurisdiction_kind = forms.ChoiceField(
        label="New jurisdiction: kind",
        choices=[("", "—"), *Jurisdiction.Kind.choices],
        required=False,
    )
    agency = forms.CharField(max_length=150, help_text="e.g. Office of Community Safety")
    role = forms.CharField(label="Role or title", max_length=150)
    time_zone = forms.ChoiceField(choices=TIME_ZONES, initial="America/New_York")
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Join the community of practice")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("jurisdiction"):
            missing = [
                f
                for f in (
                    "new_jurisdiction_name",
                    "new_jurisdiction_state",
                    "new_jurisdiction_kind",
                )
                if not data.get(f)
            ]
            for name in missing:
                self.add_error(name, "Choose your jurisdiction above, or fill this in.")
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        elif data.get("password"):
            try:
                validate_password(data["password"])
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data

    def new_jurisdiction(self) -> dict[str, str] | None:
        if self.cleaned_data.get("jurisdiction"):
            return None
        return {
            "name": self.cleaned_data["new_jurisdiction_name"],
            "state": self.cleaned_data["new_jurisdiction_state"],
            "kind": self.cleaned_data["new_jurisdiction_kind"],
        }


class WebinarRegistrationForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField()
    jurisdiction_name = forms.CharField(label="Which jurisdiction?", max_length=200)
    question = forms.CharField(
        label="What would you like to ask?",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Register")


class SubscribeForm(forms.Form):
    email = forms.EmailField(label="Email address")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Subscribe")


class MaterialsForm(forms.Form):
    recording_url = forms.URLField(label="Recording link", required=False, assume_scheme="https")
    slides = forms.FileField(label="Slides (PDF)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save materials")


class AttendanceImportForm(forms.Form):
    attendance_file = forms.FileField(
        label="Attendance report (CSV)",
        help_text="The participants report of the meeting tool, with an email column.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Import attendance")


class IssueForm(forms.ModelForm):
    class Meta:
        model = NewsletterIssue
        fields = ["subject", "body_markdown"]
        labels = {"body_markdown": "Body (Markdown)"}
        widgets = {"body_markdown": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save and preview")


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="Send at (your time zone)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Schedule")
