"""Outcomes of the calls an alternative team took: the monthly measures, one call recorded by
hand, or a CSV of them imported (each form posts to its own URL)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from calldata import charts, selectors, services
from calldata.forms import OutcomeForm, OutcomeImportForm
from calldata.views._access import _jurisdiction
from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from jurisdictions.models import Jurisdiction


def _page(
    request: AuthenticatedHttpRequest,
    jurisdiction: Jurisdiction,
    form: OutcomeForm | None = None,
    import_form: OutcomeImportForm | None = None,
) -> HttpResponse:
    records = selectors.outcomes_visible_to(request.user).filter(jurisdiction=jurisdiction)
    return render(
        request,
        "calldata/outcomes.html",
        {
            "jurisdiction": jurisdiction,
            "form": form or OutcomeForm(),
            "import_form": import_form or OutcomeImportForm(),
            "kpis": charts.outcome_kpis(records),
            "records": records[:30],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def outcomes(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    return _page(request, _jurisdiction(request, jurisdiction_id))


@login_required
@require_POST
def outcome_record(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """One call the team took, recorded by hand."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _page(request, jurisdiction, form=form)
    services.outcome_create(jurisdiction=jurisdiction, user=request.user, **form.cleaned_data)
    messages.success(request, "Call recorded.")
    return redirect("calldata:outcomes", jurisdiction_id=jurisdiction.pk)


@login_required
@require_POST
def outcomes_import(request: AuthenticatedHttpRequest, jurisdiction_id: int) -> HttpResponse:
    """A CSV of calls the team took."""
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    form = OutcomeImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            count = services.outcomes_import_csv(
                jurisdiction=jurisdiction,
                user=request.user,
                content=form.cleaned_data["file"].read(),
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"{count} calls imported.")
            return redirect("calldata:outcomes", jurisdiction_id=jurisdiction.pk)
    return _page(request, jurisdiction, import_form=form)
