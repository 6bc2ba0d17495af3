from typing import Any

from django.conf import settings
from django.http import HttpRequest

from gpl_cohort.accounts.roles import roles_of


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name and the roles of the person asking, for the navigation every page shows."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "PROGRAM_NAME": settings.PROGRAM_NAME,
        "roles": roles_of(getattr(request, "user", None)),
    }
