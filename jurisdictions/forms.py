from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms

from gpl_cohort.forms import PersonChoiceField
from jurisdictions.models import Agency, Contact, Resource, ResponseTeam

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User


class SignedMoUForm(forms.Form):
    jurisdiction_signatory = forms.CharField(label="Signed by (name)", max_length=150)
    jurisdiction_signatory_title = forms.CharField(
        label="Their title", max_length=150, required=False
    )
    file = forms.FileField(label="Signed MoU (PDF, up to 10 MB)")


class MoUStepForm(forms.Form):
    to_status = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(required=False, label="Note (optional)")
    program_signatory = forms.CharField(required=False, label="Countersigned by")


class SupportLetterForm(forms.Form):
    signer_name = forms.CharField(label="Signer's name", max_length=150)
    signer_title = forms.CharField(label="Signer's title", max_length=150)
    office = forms.CharField(max_length=150, help_text="e.g. Office of the Mayor")
    dated = forms.DateField(
        label="Date of the letter", widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(label="Letter (PDF, up to 10 MB)")


class _ContactPersonField(PersonChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()}{f', {obj.title}' if obj.title else ''}"


class PointOfContactForm(forms.Form):
    new = _ContactPersonField(queryset=None, label="Point of contact")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Required when changing: the point of contact is meant to stay all year.",
    )

    def __init__(self, *args: Any, jurisdiction_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from gpl_cohort.accounts.models import User

        cast(_ContactPersonField, self.fields["new"]).queryset = User.objects.filter(
            contact_jurisdiction_id=jurisdiction_id, is_active=True
        ).order_by("full_name")


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "kind"]


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["full_name", "title", "agency", "email", "phone"]

    def __init__(self, *args: Any, jurisdiction_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = Agency.objects.filter(
            jurisdiction_id=jurisdiction_id
        )


class ResponseTeamForm(forms.ModelForm):
    make_up_text = forms.CharField(
        label="Make-up",
        required=False,
        help_text="One role per line, e.g. Peer support specialists",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = ResponseTeam
        fields = ["name", "status", "launched_on", "dispatched_from", "call_types"]
        widgets = {
            "launched_on": forms.DateInput(attrs={"type": "date"}),
            "call_types": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["make_up_text"].initial = "\n".join(self.instance.make_up)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("status") == ResponseTeam.Status.LAUNCHED and not data.get("launched_on"):
            self.add_error("launched_on", "A launched team needs its launch date.")
        data["make_up"] = [
            line.strip() for line in data.get("make_up_text", "").splitlines() if line.strip()
        ]
        return data


class ResourceForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    category = forms.ChoiceField(choices=Resource.Category.choices)
    tags = forms.CharField(
        required=False, help_text="Comma-separated, e.g. dispatch, mental health, template"
    )
    file = forms.FileField(help_text="PDF, Word, Excel, CSV, image or ZIP; up to 25 MB.")

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()][:12]
