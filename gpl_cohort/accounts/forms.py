from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.template import loader

from gpl_cohort.outbox.services import email_queue


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": "That email address and password do not match an account.",
        "inactive": "This account is inactive. Ask program staff to reactivate it.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Log in", css_class="w-100"))


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose email goes through the outbox (and so through Celery)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Email me a reset link"))

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else ""
        )
        email_queue(
            message_key=f"password-reset:{context['uid']}:{context['token']}",
            recipients=[to_email],
            subject=subject,
            text=body,
            html=html,
            from_email=from_email or "",
        )


class StyledSetPasswordForm(SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Set my password"))


__all__ = [
    "EmailAuthenticationForm",
    "QueuedPasswordResetForm",
    "StyledSetPasswordForm",
    "default_token_generator",
]
