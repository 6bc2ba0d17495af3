from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from jurisdictions.selectors import jurisdictions_visible_to, memberships_visible_to


@login_required
def jurisdiction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    jurisdiction = get_object_or_404(
        jurisdictions_visible_to(request.user).prefetch_related("response_teams"), pk=pk
    )
    if not request.user.has_perm("jurisdictions.view_jurisdiction", jurisdiction):
        raise PermissionDenied
    memberships = memberships_visible_to(request.user).filter(jurisdiction=jurisdiction)
    return render(
        request,
        "jurisdictions/detail.html",
        {"jurisdiction": jurisdiction, "memberships": memberships},
    )
