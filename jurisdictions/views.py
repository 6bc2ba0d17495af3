from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gpl_cohort.accounts.roles import roles_of
from gpl_cohort.uploads import private_file_response
from jurisdictions import selectors, services
from jurisdictions.forms import (
    AgencyForm,
    ContactForm,
    MoUStepForm,
    PointOfContactForm,
    ResourceForm,
    ResponseTeamForm,
    SignedMoUForm,
    SupportLetterForm,
)
from jurisdictions.models import MoU, Resource, ResponseTeam
from jurisdictions.selectors import jurisdictions_visible_to, memberships_visible_to


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def jurisdiction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    jurisdiction = get_object_or_404(
        jurisdictions_visible_to(request.user).prefetch_related(
            "response_teams", "agencies", "people__agency"
        ),
        pk=pk,
    )
    if not request.user.has_perm("jurisdictions.view_jurisdiction", jurisdiction):
        raise PermissionDenied
    agency_form = AgencyForm(prefix="agency")
    contact_form = ContactForm(prefix="person", jurisdiction_id=jurisdiction.pk)
    if request.method == "POST":
        if not request.user.has_perm("jurisdictions.change_jurisdiction", jurisdiction):
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "agency":
            agency_form = AgencyForm(request.POST, prefix="agency")
            if agency_form.is_valid():
                try:
                    services.agency_create(
                        jurisdiction_id=jurisdiction.pk, by=request.user, **agency_form.cleaned_data
                    )
                except ValidationError as error:
                    _apply_errors(agency_form, error)
                else:
                    messages.success(request, "Agency added.")
                    return redirect("jurisdictions:detail", pk=pk)
        elif action == "person":
            contact_form = ContactForm(
                request.POST, prefix="person", jurisdiction_id=jurisdiction.pk
            )
            if contact_form.is_valid():
                try:
                    services.contact_create(
                        jurisdiction_id=jurisdiction.pk,
                        by=request.user,
                        **contact_form.cleaned_data,
                    )
                except ValidationError as error:
                    _apply_errors(contact_form, error)
                else:
                    messages.success(request, "Person added.")
                    return redirect("jurisdictions:detail", pk=pk)
        else:
            return HttpResponseBadRequest("Unknown action.")
    memberships = memberships_visible_to(request.user).filter(jurisdiction=jurisdiction)
    return render(
        request,
        "jurisdictions/detail.html",
        {
            "jurisdiction": jurisdiction,
            "memberships": memberships,
            "agency_form": agency_form,
            "contact_form": contact_form,
            "can_edit": request.user.has_perm("jurisdictions.change_jurisdiction", jurisdiction),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int, team_pk: int | None = None) -> HttpResponse:
    jurisdiction = get_object_or_404(jurisdictions_visible_to(request.user), pk=pk)
    if not request.user.has_perm("jurisdictions.change_responseteam", jurisdiction):
        raise PermissionDenied
    team = (
        get_object_or_404(ResponseTeam, pk=team_pk, jurisdiction=jurisdiction) if team_pk else None
    )
    form = ResponseTeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in services.TEAM_FIELDS if f in form.cleaned_data}
        try:
            services.response_team_save(
                jurisdiction_id=jurisdiction.pk, by=request.user, team=team, **fields
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Response team saved.")
            return redirect("jurisdictions:detail", pk=pk)
    return render(
        request,
        "jurisdictions/team_form.html",
        {"form": form, "jurisdiction": jurisdiction, "team": team},
    )


@login_required
@require_http_methods(["GET", "POST"])
def seat_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A cohort seat's enrolment paperwork: MoU, support letters, point of contact."""
    membership = selectors.membership_detail(pk, request.user)
    if membership is None:
        raise _not_found()
    if not request.user.has_perm("jurisdictions.view_cohortmembership", membership):
        raise PermissionDenied
    mou = getattr(membership, "mou", None)
    forms = {
        "signed": SignedMoUForm(prefix="signed"),
        "letter": SupportLetterForm(prefix="letter"),
        "poc": PointOfContactForm(prefix="poc", jurisdiction_id=membership.jurisdiction_id),
    }
    if request.method == "POST":
        response = _seat_post(request, membership, mou, forms)
        if response is not None:
            return response
    return render(
        request,
        "jurisdictions/seat.html",
        {
            "membership": membership,
            "mou": mou,
            "steps": services.mou_allowed_steps(mou=mou, user=request.user) if mou else [],
            "paperwork": services.membership_paperwork(membership),
            "forms": forms,
            "can_edit": request.user.has_perm("jurisdictions.change_cohortmembership", membership),
        },
        status=400 if request.method == "POST" else 200,
    )


def _not_found() -> Exception:
    from django.http import Http404

    return Http404("No such cohort seat.")


def _seat_post(
    request: HttpRequest, membership: Any, mou: MoU | None, forms: dict[str, Any]
) -> HttpResponse | None:
    if not request.user.has_perm("jurisdictions.change_cohortmembership", membership):
        raise PermissionDenied
    action = request.POST.get("action")
    done = redirect("jurisdictions:seat", pk=membership.pk)
    try:
        if action == "draft" and roles_of(request.user).is_staff:
            services.mou_create(membership=membership, by=request.user)
            messages.success(request, "MoU drafted.")
            return done
        if action == "step" and mou is not None:
            form = MoUStepForm(request.POST)
            if form.is_valid():
                services.mou_transition(mou=mou, by=request.user, **form.cleaned_data)
                messages.success(
                    request,
                    f"The MoU is now “{MoU.Status(form.cleaned_data['to_status']).label}”.",
                )
                return done
            return HttpResponseBadRequest("Unknown MoU step.")
        if action == "signed" and mou is not None:
            form = forms["signed"] = SignedMoUForm(request.POST, request.FILES, prefix="signed")
            if form.is_valid():
                data = form.cleaned_data
                services.mou_transition(
                    mou=mou, to_status=MoU.Status.SIGNED, by=request.user, signed_file=data["file"],
                    jurisdiction_signatory=data["jurisdiction_signatory"],
                    jurisdiction_signatory_title=data["jurisdiction_signatory_title"],
                )  # fmt: skip
                messages.success(request, "Signed MoU received. Thank you.")
                return done
        elif action == "letter":
            form = forms["letter"] = SupportLetterForm(request.POST, request.FILES, prefix="letter")
            if form.is_valid():
                data = dict(form.cleaned_data)
                services.support_letter_create(
                    jurisdiction_id=membership.jurisdiction_id, membership=membership,
                    upload=data.pop("file"), by=request.user, **data,
                )  # fmt: skip
                messages.success(request, "Support letter received.")
                return done
        elif action == "poc":
            form = forms["poc"] = PointOfContactForm(
                request.POST, prefix="poc", jurisdiction_id=membership.jurisdiction_id
            )
            if form.is_valid():
                services.point_of_contact_change(
                    membership=membership, by=request.user, **form.cleaned_data
                )
                messages.success(request, "Point of contact recorded.")
                return done
        else:
            return HttpResponseBadRequest("Unknown action.")
    except ValidationError as error:
        target = {"signed": "signed", "letter": "letter", "poc": "poc"}.get(action or "")
        if target:
            _apply_errors(forms[target], error)
        else:
            messages.error(request, " ".join(error.messages))
            return done
    except PermissionDenied as error:
        messages.error(request, str(error))
        return done
    return None


@login_required
def mou_download(request: HttpRequest, pk: int) -> HttpResponse:
    mou = get_object_or_404(selectors.mous_visible_to(request.user), pk=pk)
    if not request.user.has_perm("jurisdictions.view_mou", mou.membership) or not mou.signed_file:
        raise _not_found()
    return private_file_response(mou.signed_file, filename=mou.signed_file_name or "signed-mou.pdf")


@login_required
def letter_download(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(selectors.support_letters_visible_to(request.user), pk=pk)
    if not request.user.has_perm("jurisdictions.view_supportletter", letter):
        raise PermissionDenied
    return private_file_response(letter.file, filename=letter.file_name or "support-letter.pdf")


@login_required
def cohort_dashboard(request: HttpRequest) -> HttpResponse:
    """Staff: each seat's outstanding enrolment paperwork and the teams launched from 911."""
    if not request.user.has_perm("jurisdictions.view_cohort_dashboard"):
        raise PermissionDenied
    try:
        cohorts, cohort = selectors.cohorts_with_seats_pick(
            request.GET.get("cohort"), today=timezone.localdate()
        )
    except LookupError as error:
        return HttpResponseBadRequest(str(error))
    rows = []
    if cohort is not None:
        for m in selectors.cohort_paperwork(cohort_id=cohort.pk):
            mou = getattr(m, "mou", None)
            paperwork = services.Paperwork(
                mou_signed=bool(mou and mou.status in services.SIGNED_STATES),
                letters=m.letters,
                point_of_contact=m.point_of_contact_id is not None,
            )
            rows.append({"membership": m, "mou": mou, "paperwork": paperwork})
    return render(
        request,
        "jurisdictions/cohort_dashboard.html",
        {
            "cohorts": cohorts,
            "cohort": cohort,
            "rows": rows,
            "outstanding": sum(1 for r in rows if r["paperwork"].outstanding),
            "teams": selectors.teams_launched_from_911(cohort_id=cohort.pk) if cohort else None,
        },
    )


@login_required
def resources(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("jurisdictions.view_resource"):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:200]
    tag = request.GET.get("tag", "").strip()[:60]
    category = request.GET.get("category", "")
    if category and category not in Resource.Category.values:
        return HttpResponseBadRequest("Unknown category.")
    items = selectors.resources_visible_to(request.user, q=q, tag=tag, category=category)
    return render(
        request,
        "jurisdictions/resources.html",
        {
            "resources": items,
            "q": q,
            "tag": tag,
            "category": category,
            "categories": Resource.Category.choices,
            "tags": selectors.resource_tags_in_use(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("jurisdictions.add_resource"):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            resource = services.resource_create(upload=data.pop("file"), by=request.user, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"“{resource.title}” is in the library.")
            return redirect("jurisdictions:resources")
    return render(request, "jurisdictions/resource_form.html", {"form": form})


@login_required
def resource_download(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(selectors.resources_visible_to(request.user), pk=pk)
    return private_file_response(resource.file, filename=resource.file_name)


@login_required
@require_POST
def resource_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("jurisdictions.delete_resource"):
        raise PermissionDenied
    resource = get_object_or_404(Resource, pk=pk)
    services.resource_delete(resource=resource, by=request.user)
    messages.success(request, f"Removed “{resource.title}”.")
    return redirect("jurisdictions:resources")
