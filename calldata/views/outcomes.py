"""Outcomes of the calls an alternative team took."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from calldata import selectors, services
from calldata.forms import OutcomeForm, OutcomeImportForm
from calldata.outcomes import monthly_kpis
from calldata.views._access import _jurisdiction


@login_required
@require_http_methods(["GET", "POST"])
def outcomes(request: HttpRequest, jurisdiction_id: int) -> HttpResponse:
    jurisdiction = _jurisdiction(request, jurisdiction_id)
    form = OutcomeForm(request.POST if "record" in request.POST else None)
    import_form = OutcomeImportForm(
        request.POST if "import" in request.POST else None, request.FILES or None
    )
    status = 200
    if request.method == "POST":
        if "record" in request.POST and form.is_valid():
            services.outcome_create(
                jurisdiction=jurisdiction, user=request.user, **form.cleaned_data
            )
            messages.success(request, "Call recorded.")
            return redirect("calldata:outcomes", jurisdiction_id=jurisdiction.pk)
        if "import" in request.POST and import_form.is_valid():
            try:
                count = services.outcomes_import_csv(
                    jurisdiction=jurisdiction,
                    user=request.user,
                    content=import_form.cleaned_data["file"].read(),
                )
            except ValidationError as error:
                import_form.add_error("file", error)
            else:
                messages.success(request, f"{count} calls imported.")
                return redirect("calldata:outcomes", jurisdiction_id=jurisdiction.pk)
        status = 400
    records = selectors.outcomes_visible_to(request.user).filter(jurisdiction=jurisdiction)
    return render(
        request,
        "calldata/outcomes.html",
        {
            "jurisdiction": jurisdiction,
            "form": form,
            "import_form": import_form,
            "kpis": monthly_kpis(records),
            "records": records[:30],
        },
        status=status,
    )
