from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation

from applications.answers import ANSWER_FIELDS, COUNTED_FIELDS, TEXTAREA_ROWS
from applications.emails import validate_template_text
from applications.models import Application, EmailTemplate
from applications.words import WORD_LIMIT, count_words_in
from cohorts.models import Cohort
from jurisdictions.models import US_STATES, Jurisdiction

COMMON_TIME_ZONES = [
    ("America/New_York", "Eastern (America/New_York)"),
    ("America/Chicago", "Central (America/Chicago)"),
    ("America/Denver", "Mountain (America/Denver)"),
    ("America/Phoenix", "Arizona (America/Phoenix)"),
    ("America/Los_Angeles", "Pacific (America/Los_Angeles)"),
    ("America/Anchorage", "Alaska (America/Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Pacific/Honolulu)"),
    ("America/Puerto_Rico", "Atlantic (America/Puerto_Rico)"),
]


def _helper(label: str | None = None, *, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    if label:
        helper.add_input(Submit("submit", label))
    return helper


class SignUpForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Create my account")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class StartForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.order_by("state", "name"),
        required=False,
        label="Your city or county",
        empty_label="— not in the list: I describe it below —",
    )
    name = forms.CharField(label="Name of the city or county", max_length=150, required=False)
    kind = forms.ChoiceField(
        choices=[
            ("", "—"),
            (Jurisdiction.Kind.CITY, "City"),
            (Jurisdiction.Kind.COUNTY, "County"),
            (Jurisdiction.Kind.CITY_COUNTY, "City-county"),
        ],
        required=False,
    )
    state = forms.ChoiceField(choices=[("", "—"), *US_STATES], required=False)
    population = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Start the application")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("jurisdiction"):
            missing = [f for f in ("name", "kind", "state") if not data.get(f)]
            for field in missing:
                self.add_error(field, "Choose your city or county above, or fill this in.")
        return data


class ApplicationForm(forms.ModelForm):
    team_make_up = forms.MultipleChoiceField(
        label="Planned team make-up",
        choices=Application.TeamMember.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    document = forms.FileField(
        label="Add uploaded material (PDF)",
        required=False,
        help_text="PDF only. At most 10 pages in total across all your files, 10 MB per file.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = Application
        fields = list(ANSWER_FIELDS)
        widgets = {
            "anticipated_launch_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: forms.Textarea(attrs={"rows": rows}) for name, rows in TEXTAREA_ROWS.items()},
        }
        labels = {"applying_office": "Applying office"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(self.instance.cohort.questions.all())
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = forms.CharField(
                label=question.prompt,
                help_text=question.help_text,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=self.instance.short_answers.get(str(question.pk), ""),
            )
        self.fields["document"] = self.fields.pop("document")  # the upload comes last
        for name in [*COUNTED_FIELDS, *(f"q_{q.pk}" for q in self.questions)]:
            self.fields[name].widget.attrs["data-word-counted"] = "true"
            help_text = self.fields[name].help_text
            self.fields[
                name
            ].help_text = f"{help_text} Counts towards the {WORD_LIMIT}-word limit.".strip()
        self.helper = _helper(form_tag=False)

    def short_answers(self) -> dict[str, str]:
        return {str(q.pk): self.cleaned_data.get(f"q_{q.pk}", "") for q in self.questions}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        texts = [data.get(f) or "" for f in COUNTED_FIELDS]
        texts += [data.get(f"q_{q.pk}") or "" for q in self.questions]
        words = count_words_in(texts)
        if words > WORD_LIMIT:
            over = words - WORD_LIMIT
            raise forms.ValidationError(
                f"Your short answers have {words} words; together they may not exceed "
                f"{WORD_LIMIT}. Shorten them by {over} word{'s' if over > 1 else ''}.",
                code="too_many_words",
            )
        return data

    def answers(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class InviteForm(forms.Form):
    email = forms.EmailField(label="Colleague's email address")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Send the invitation")


class SupportLetterForm(forms.Form):
    signer_name = forms.CharField(max_length=150)
    signer_title = forms.CharField(max_length=150)
    office = forms.CharField(max_length=150, help_text="e.g. Office of the Mayor")
    dated = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(
        label="Letter (PDF)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Upload the letter")


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Application.Status.choices, widget=forms.HiddenInput)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    conflict_of_interest = forms.BooleanField(
        required=False,
        label="I have a conflict of interest with this application (I will not score it)",
    )
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name} (weight {criterion.weight:g})",
                help_text=criterion.description,
                choices=[(str(i), str(i)) for i in range(1, 6)],
                coerce=int,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-inline"}),
            )
        self.order_fields(["conflict_of_interest", *(f"score_{c.pk}" for c in criteria), "comment"])
        self.helper = _helper("Submit my review")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("conflict_of_interest"):
            for criterion in self.criteria:
                if data.get(f"score_{criterion.pk}") in (None, ""):
                    self.add_error(f"score_{criterion.pk}", "Score this criterion from 1 to 5.")
        return data

    def scores(self) -> dict[int, int]:
        return {
            c.pk: self.cleaned_data[f"score_{c.pk}"]
            for c in self.criteria
            if self.cleaned_data.get(f"score_{c.pk}") not in (None, "")
        }


class InterviewForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Interview time (in the time zone below)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    time_zone = forms.ChoiceField(choices=COMMON_TIME_ZONES)
    meeting_url = forms.URLField(label="Zoom meeting link", assume_scheme="https")
    attendees = forms.CharField(
        label="Agency representatives attending",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: name, title, agency.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Schedule and email the invitation")


class MouConfirmationForm(forms.Form):
    note = forms.CharField(
        label="Who confirmed, and how",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. the City Manager confirmed during the interview that the city can sign.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Record the verbal MoU confirmation")


class ReferenceCheckForm(forms.Form):
    name = forms.CharField(max_length=150)
    organisation = forms.CharField(max_length=150)
    called_on = forms.DateField(
        label="Date of the call", widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Record the reference check")


class DecisionStageForm(forms.Form):
    decision = forms.ChoiceField(choices=Application.Decision.choices, required=False)


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def clean_subject(self) -> str:
        validate_template_text(self.cleaned_data["subject"])
        return self.cleaned_data["subject"]

    def clean_body(self) -> str:
        validate_template_text(self.cleaned_data["body"])
        return self.cleaned_data["body"]


class CohortChoiceForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.all())
