"""The home page after log-in is made of panels that each app contributes.

An app that has something to show on someone's home page defines `home.py` with
`panels(request, roles) -> list[Panel]`; the home view collects them in `order`. Apps stay
independent: none of them edits the home view to appear there.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from gpl_cohort.accounts.roles import Roles

PANEL_APPS = ("applications", "jurisdictions", "coaching", "community", "calldata")


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    # What the panel offers, for pages that show one offer of the front door ("webinar").
    offer: str = ""


def landing_panels_for(request: HttpRequest) -> list[Panel]:
    """The front door's offers (apply, the webinar, the community, the newsletter): each app
    that has one defines `landing_panels(request) -> list[Panel]` in its `home.py`."""
    collected: list[Panel] = []
    for module in _home_modules():
        if hasattr(module, "landing_panels"):
            collected.extend(module.landing_panels(request))
    return sorted(collected, key=lambda p: p.order)


def landing_offer(request: HttpRequest, offer: str) -> Panel | None:
    """One of the front door's offers (e.g. the next informational webinar), for another page."""
    return next((p for p in landing_panels_for(request) if p.offer == offer), None)


def _home_modules() -> list[Any]:
    modules = []
    for app in PANEL_APPS:
        try:
            modules.append(importlib.import_module(f"{app}.home"))
        except ModuleNotFoundError as error:
            if error.name != f"{app}.home":
                raise
    return modules


def panels_for(request: HttpRequest, roles: Roles) -> list[Panel]:
    collected: list[Panel] = []
    for module in _home_modules():
        collected.extend(module.panels(request, roles))
    return sorted(collected, key=lambda p: p.order)
