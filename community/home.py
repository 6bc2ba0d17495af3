from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from community.selectors import registration_statuses_of, sessions_upcoming, webinar_next
from gpl_cohort.accounts.roles import Roles
from gpl_cohort.home import Panel


def landing_panels(request: HttpRequest) -> list[Panel]:
    return [
        Panel(
            template="community/_landing_webinar.html",
            context={"webinar": webinar_next(now=timezone.now())},
            order=20,
            offer="webinar",
        ),
        Panel(template="community/_landing_community.html", order=30),
        Panel(template="community/_landing_newsletter.html", order=40),
    ]


def panels(request: HttpRequest, roles: Roles) -> list[Panel]:
    if not (roles.is_staff or roles.is_practitioner):
        return []
    mine = registration_statuses_of(user=request.user)
    rows = [(session, mine.get(session.pk)) for session in sessions_upcoming(limit=5)]
    return [Panel(template="community/_home_sessions.html", context={"rows": rows}, order=20)]
