from __future__ import annotations

from django.http import HttpRequest

from calldata.selectors import datasets_visible_to
from gpl_cohort.accounts.roles import Roles
from gpl_cohort.home import Panel


def panels(request: HttpRequest, roles: Roles) -> list[Panel]:
    if not (roles.is_staff or roles.is_contact):
        return []
    datasets = list(datasets_visible_to(request.user)[:5])
    return [Panel(template="calldata/_home_panel.html", context={"datasets": datasets}, order=60)]
