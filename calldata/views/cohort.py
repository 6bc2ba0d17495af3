"""The cohort side by side: one page, its CSV, and the sharing consent of a jurisdiction.

Staff open any cohort; a jurisdiction's contact opens the cohorts their jurisdiction sits in
(another cohort is a 404) and sees other members named only where those agreed to share."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from calldata import cohort as cohort_selectors
from calldata import selectors, services
from calldata.models import CATEGORY_CHOICES
from calldata.views._access import _jurisdiction, _require_use
from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from gpl_cohort.uploads import csv_safe

CATEGORY_LABELS = dict(CATEGORY_CHOICES)


def _cohort(request: AuthenticatedHttpRequest, cohort_id: int) -> Any:
    _require_use(request)
    return get_object_or_404(cohort_selectors.cohorts_visible_to(request.user), pk=cohort_id)


@login_required
@require_GET
def cohort_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The cohorts the person may compare; straight to the comparison when there is one."""
    _require_use(request)
    cohorts = cohort_selectors.cohorts_visible_to(request.user)
    if len(cohorts) == 1:
        return redirect("calldata:cohort_compare", cohorts[0].pk)
    return render(request, "calldata/cohort_list.html", {"cohorts": cohorts})


def _preset_key(request: AuthenticatedHttpRequest) -> str:
    keys = list(selectors.response_presets())
    key = request.GET.get("preset", "")
    return key if key in keys else keys[0]


def _comparison(request: AuthenticatedHttpRequest, cohort_id: int) -> tuple[Any, str, dict]:
    cohort = _cohort(request, cohort_id)
    key = _preset_key(request)
    return (
        cohort,
        key,
        cohort_selectors.comparison(user=request.user, cohort=cohort, preset_key=key),
    )


@login_required
@require_GET
def cohort_compare(request: AuthenticatedHttpRequest, cohort_id: int) -> HttpResponse:
    cohort, key, data = _comparison(request, cohort_id)
    own = getattr(request.user, "contact_jurisdiction", None)
    return render(
        request,
        "calldata/cohort_compare.html",
        {
            "cohort": cohort,
            "presets": selectors.response_presets(),
            "preset_key": key,
            "category_labels": [(c, CATEGORY_LABELS[c]) for c in data["categories"]],
            "own_jurisdiction": own,
            **data,
        },
    )


CSV_COLUMNS = (
    "jurisdiction",
    "population",
    "calls",
    "first_day",
    "last_day",
    "calls_per_1000_per_year",
    "eligible_share",
    "busiest_hour",
)


@login_required
@require_GET
def cohort_compare_csv(request: AuthenticatedHttpRequest, cohort_id: int) -> HttpResponse:
    cohort, key, data = _comparison(request, cohort_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}-{key}.csv"'
    writer = csv.writer(response)
    categories = data["categories"]
    writer.writerow(
        [
            "jurisdiction",
            "population",
            "calls",
            "first day",
            "last day",
            "calls per 1,000 residents per year",
            f"eligible share ({data['preset']['name']})",
            "busiest hour of the week",
            *[f"share {CATEGORY_LABELS[c]}" for c in categories],
        ]
    )
    for row in data["rows"]:
        values = cohort_selectors.shown(row, categories)
        mix = values["mix"] or {}
        writer.writerow(
            "" if value is None else csv_safe(value)
            for value in [
                *(values[key] for key in CSV_COLUMNS),
                *(mix.get(c) for c in categories),
            ]
        )
    return response


@login_required
@require_POST
def cohort_sharing(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """The jurisdiction's contact or staff turn naming in the comparison on or off."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    shares = request.POST.get("shares") == "on"
    services.cohort_sharing_set(jurisdiction=jurisdiction, shares=shares, user=request.user)
    messages.success(
        request,
        f"{jurisdiction} is now named to other cohort members."
        if shares
        else f"{jurisdiction} is now shown to other cohort members as an unnamed letter.",
    )
    back = request.POST.get("next", "")
    cohort_id = int(back) if back.isdigit() else None
    if cohort_id is not None:
        url = reverse("calldata:cohort_compare", args=[_cohort(request, cohort_id).pk])
        preset = request.POST.get("preset", "")
        return redirect(f"{url}?preset={preset}" if preset in selectors.response_presets() else url)
    return redirect("calldata:index")
