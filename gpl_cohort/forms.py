"""Form helpers every app shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User


class PersonChoiceField(forms.ModelChoiceField):
    """A menu of users, each shown by name (by email when no name is on file)."""

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


def form_add_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
