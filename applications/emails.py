"""Editable per-cohort email templates: defaults live in files, staff edit copies in the database.

Every applications email (transition emails, interview invitations, letter requests, co-applicant
invitations, decision emails) is rendered from the cohort's `EmailTemplate` row for its key; the
row is created from `templates/applications/email/<key>_subject.txt` and `<key>.txt` the first
time it is needed, so staff can read and change the wording before decisions go out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.urls import reverse

from applications.models import Application, EmailTemplate
from cohorts.models import Cohort
from gpl_cohort.links import absolute_url
from gpl_cohort.outbox.services import Attachment, email_queue


def _default_source(key: str, part: str) -> str:
    # The Django engine's own template (not the backend wrapper), which keeps its source.
    return Engine.get_default().get_template(f"applications/email/{key}{part}.txt").source


def email_template_get(*, cohort: Cohort, key: str) -> EmailTemplate:
    template, _ = EmailTemplate.objects.get_or_create(
        cohort=cohort,
        key=key,
        defaults={
            "subject": " ".join(_default_source(key, "_subject").split()),
            "body": _default_source(key, ""),
        },
    )
    return template


def email_templates_for(*, cohort: Cohort, keys: Iterable[str]) -> list[EmailTemplate]:
    return [email_template_get(cohort=cohort, key=key) for key in keys]


def validate_template_text(text: str) -> None:
    from django.core.exceptions import ValidationError

    try:
        Template(text)
    except TemplateSyntaxError as error:
        raise ValidationError(f"The template cannot be read: {error}") from error


def application_url(application: Application) -> str:
    return absolute_url(reverse("applications:detail", args=[application.pk]))


def email_render_from_db(*, cohort: Cohort, key: str, context: dict[str, Any]) -> tuple[str, str]:
    template = email_template_get(cohort=cohort, key=key)
    full = {"SITE_URL": settings.SITE_URL, "PROGRAM_NAME": settings.PROGRAM_NAME, **context}
    # Plain-text email: no HTML escaping of names such as "Durham & Orange".
    subject = Template(template.subject).render(Context(full, autoescape=False))
    body = Template(template.body).render(Context(full, autoescape=False))
    return " ".join(subject.split()), body


def application_email_send(
    *,
    application: Application,
    key: str,
    message_key: str,
    extra: dict[str, Any] | None = None,
    recipients: Iterable[str] | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> int:
    """Queue one of the application's emails to its applicant contacts (or `recipients`)."""
    if recipients is None:
        recipients = [c.user.email for c in application.contacts.select_related("user")]
    context = {
        "application": application,
        "cohort": application.cohort,
        "jurisdiction": application.jurisdiction,
        "application_url": application_url(application),
        **(extra or {}),
    }
    subject, text = email_render_from_db(cohort=application.cohort, key=key, context=context)
    created = email_queue(
        message_key=message_key,
        recipients=list(recipients),
        subject=subject,
        text=text,
        attachments=attachments,
    )
    return len(created)
