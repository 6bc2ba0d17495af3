"""Who may do what with applications (django-rules), used by views, the API and templates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules

from applications import workflow
from gpl_cohort.accounts.rules import is_program_staff

if TYPE_CHECKING:
    from gpl_cohort.accounts.roles import RequestUser


def _application_of(obj: Any) -> Any:
    return getattr(obj, "application", obj)


@rules.predicate
def is_applicant_of_application(user: RequestUser, obj: Any) -> bool:
    application = _application_of(obj)
    if application is None or not user.is_authenticated:
        return False
    from applications.models import ApplicationContact

    return ApplicationContact.objects.filter(application=application, user=user).exists()


@rules.predicate
def is_draft(user: RequestUser, obj: Any) -> bool:
    application = _application_of(obj)
    return application is not None and application.status == workflow.S.DRAFT


@rules.predicate
def letters_open(user: RequestUser, obj: Any) -> bool:
    application = _application_of(obj)
    return application is not None and application.status in workflow.LETTERS_OPEN


can_view_application = is_program_staff | is_applicant_of_application

rules.add_perm("applications.view_application", can_view_application)
rules.add_perm("applications.change_application", is_applicant_of_application & is_draft)
rules.add_perm("applications.invite_coapplicant", is_applicant_of_application)
rules.add_perm("applications.manage_application", is_program_staff)
rules.add_perm("applications.review_application", is_program_staff)
rules.add_perm("applications.view_applicationdocument", can_view_application)
rules.add_perm(
    "applications.add_supportletter",
    is_program_staff | (is_applicant_of_application & letters_open),
)
rules.add_perm("applications.view_review", is_program_staff)
rules.add_perm("applications.add_review", is_program_staff)
