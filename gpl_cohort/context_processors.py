import functools
import hashlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template import Engine

from gpl_cohort.accounts.roles import roles_of


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name and the roles of the person asking, for the navigation every page shows."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "PROGRAM_NAME": settings.PROGRAM_NAME,
        "roles": roles_of(getattr(request, "user", None)),
        "NAV_VERSION": nav_version(),
    }


# The templates of the main navigation, which base.html keeps in Django's cache.
NAV_TEMPLATES = (
    "base.html",
    "applications/_nav.html",
    "jurisdictions/_nav.html",
    "coaching/_nav.html",
    "community/_nav.html",
    "calldata/_nav.html",
)


@functools.cache
def nav_version() -> str:
    """A digest of the navigation's templates: part of the cached nav's key, so a release that
    changes a nav template never serves the previous release's nav from the shared cache."""
    digest = hashlib.sha256()
    for name in NAV_TEMPLATES:
        # The Django engine's own template (not the backend wrapper), which keeps its source.
        digest.update(Engine.get_default().get_template(name).source.encode())
    return digest.hexdigest()[:12]
