from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohorts.models import CohortMembership
from cohorts.selectors import memberships_visible_to
from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from gpl_cohort.accounts.roles import roles_of
from gpl_cohort.forms import form_add_validation_error
from gpl_cohort.uploads import private_file_response
from jurisdictions import mou_workflow, selectors, services
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
from jurisdictions.models import Jurisdiction, MoU, Resource, ResponseTeam
from jurisdictions.selectors import jurisdictions_visible_to

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User


def _jurisdiction_for(request: HttpRequest, pk: int, perm: str) -> Jurisdiction:
    jurisdiction = get_object_or_404(
        jurisdictions_visible_to(request.user).prefetch_related(
            "response_teams", "agencies", "people__agency"
        ),
        pk=pk,
    )
    if not request.user.has_perm(perm, jurisdiction):
        raise PermissionDenied
    return jurisdiction


def _detail_page(
    request: HttpRequest, jurisdiction: Jurisdiction, *, status: int = 200, **forms: Any
) -> HttpResponse:
    context = {
        "jurisdiction": jurisdiction,
        "memberships": memberships_visible_to(request.user).filter(jurisdiction=jurisdiction),
        "agency_form": AgencyForm(prefix="agency"),
        "contact_form": ContactForm(prefix="person", jurisdiction_id=jurisdiction.pk),
        "can_edit": request.user.has_perm("jurisdictions.change_jurisdiction", jurisdiction),
    }
    return render(request, "jurisdictions/detail.html", {**context, **forms}, status=status)


@login_required
@require_GET
def jurisdiction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    jurisdiction = _jurisdiction_for(request, pk, "jurisdictions.view_jurisdiction")
    return _detail_page(request, jurisdiction)


@login_required
@require_POST
def agency_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    jurisdiction = _jurisdiction_for(request, pk, "jurisdictions.change_jurisdiction")
    form = AgencyForm(request.POST, prefix="agency")
    if form.is_valid():
        try:
            services.agency_create(
                jurisdiction_id=jurisdiction.pk, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_validation_error(form, error)
        else:
            messages.success(request, "Agency added.")
            return redirect("jurisdictions:detail", pk=pk)
    return _detail_page(request, jurisdiction, agency_form=form)


@login_required
@require_POST
def person_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    jurisdiction = _jurisdiction_for(request, pk, "jurisdictions.change_jurisdiction")
    form = ContactForm(request.POST, prefix="person", jurisdiction_id=jurisdiction.pk)
    if form.is_valid():
        try:
            services.contact_create(
                jurisdiction_id=jurisdiction.pk, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_validation_error(form, error)
        else:
            messages.success(request, "Person added.")
            return redirect("jurisdictions:detail", pk=pk)
    return _detail_page(request, jurisdiction, contact_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(
    request: AuthenticatedHttpRequest, pk: int, team_pk: int | None = None
) -> HttpResponse:
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
            form_add_validation_error(form, error)
        else:
            messages.success(request, "Response team saved.")
            return redirect("jurisdictions:detail", pk=pk)
    return render(
        request,
        "jurisdictions/team_form.html",
        {"form": form, "jurisdiction": jurisdiction, "team": team},
    )


def _seat_for(request: HttpRequest, pk: int, perm: str) -> CohortMembership:
    """The seat if the user sees it (404 across jurisdictions) and holds `perm` (else 403)."""
    membership = selectors.membership_detail(pk, request.user)
    if membership is None:
        raise Http404("No such cohort seat.")
    if not request.user.has_perm(perm, membership):
        raise PermissionDenied
    return membership


def _seat_page(
    request: HttpRequest, membership: CohortMembership, *, status: int = 200, **forms: Any
) -> HttpResponse:
    mou = getattr(membership, "mou", None)
    blank = {
        "signed": SignedMoUForm(prefix="signed"),
        "letter": SupportLetterForm(prefix="letter"),
        "poc": PointOfContactForm(prefix="poc", jurisdiction_id=membership.jurisdiction_id),
    }
    context = {
        "membership": membership,
        "mou": mou,
        "steps": services.mou_allowed_steps(mou=mou, user=request.user) if mou else [],
        "paperwork": services.membership_paperwork(membership),
        "forms": {**blank, **forms},
        "can_edit": request.user.has_perm("cohorts.change_cohortmembership", membership),
    }
    return render(request, "jurisdictions/seat.html", context, status=status)


@login_required
@require_GET
def seat_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A cohort seat's enrolment paperwork: MoU, support letters, point of contact."""
    return _seat_page(request, _seat_for(request, pk, "cohorts.view_cohortmembership"))


SeatSave = Callable[[CohortMembership, dict[str, Any], Any], str]


def _seat_form_post(
    request: HttpRequest,
    pk: int,
    key: str,
    form_of: Callable[[CohortMembership], Any],
    save: SeatSave,
) -> HttpResponse:
    """Validate one of the seat page's forms and save it; errors show on the page, answers kept."""
    membership = _seat_for(request, pk, "cohorts.change_cohortmembership")
    form = form_of(membership)
    if form.is_valid():
        try:
            done = save(membership, form.cleaned_data, request.user)
        except ValidationError as error:
            form_add_validation_error(form, error)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("jurisdictions:seat", pk=pk)
        else:
            messages.success(request, done)
            return redirect("jurisdictions:seat", pk=pk)
    return _seat_page(request, membership, status=400, **{key: form})


def _mou_of(membership: CohortMembership) -> MoU:
    mou = getattr(membership, "mou", None)
    if mou is None:  # said on the seat page, as a refused step is
        raise PermissionDenied("This seat has no MoU yet: program staff draft it first.")
    return mou


@login_required
@require_POST
def seat_mou_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = _seat_for(request, pk, "cohorts.change_cohortmembership")
    if not roles_of(request.user).is_staff:
        raise PermissionDenied
    services.mou_create(membership=membership, by=request.user)
    messages.success(request, "MoU drafted.")
    return redirect("jurisdictions:seat", pk=pk)


@login_required
@require_POST
def seat_mou_step(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One step of the MoU (sent, countersigned, ...); a refused step is said on the page."""
    membership = _seat_for(request, pk, "cohorts.change_cohortmembership")
    form = MoUStepForm(request.POST)
    if not form.is_valid():
        raise BadRequest("Unknown MoU step.")
    try:
        services.mou_transition(mou=_mou_of(membership), by=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        text = error.messages if isinstance(error, ValidationError) else [str(error)]
        messages.error(request, " ".join(text))
    else:
        label = MoU.Status(form.cleaned_data["to_status"]).label
        messages.success(request, f"The MoU is now “{label}”.")
    return redirect("jurisdictions:seat", pk=pk)


@login_required
@require_POST
def seat_mou_signed(request: HttpRequest, pk: int) -> HttpResponse:
    def save(membership: CohortMembership, data: dict[str, Any], by: User) -> str:
        services.mou_transition(
            mou=_mou_of(membership), to_status=MoU.Status.SIGNED, by=by, signed_file=data["file"],
            jurisdiction_signatory=data["jurisdiction_signatory"],
            jurisdiction_signatory_title=data["jurisdiction_signatory_title"],
        )  # fmt: skip
        return "Signed MoU received. Thank you."

    def form_of(membership: CohortMembership) -> SignedMoUForm:
        return SignedMoUForm(request.POST, request.FILES, prefix="signed")

    return _seat_form_post(request, pk, "signed", form_of, save)


@login_required
@require_POST
def seat_letter_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(membership: CohortMembership, data: dict[str, Any], by: User) -> str:
        data = dict(data)
        services.support_letter_create(
            jurisdiction_id=membership.jurisdiction_id, membership=membership,
            upload=data.pop("file"), by=by, **data,
        )  # fmt: skip
        return "Support letter received."

    def form_of(membership: CohortMembership) -> SupportLetterForm:
        return SupportLetterForm(request.POST, request.FILES, prefix="letter")

    return _seat_form_post(request, pk, "letter", form_of, save)


@login_required
@require_POST
def seat_point_of_contact(request: HttpRequest, pk: int) -> HttpResponse:
    def save(membership: CohortMembership, data: dict[str, Any], by: User) -> str:
        services.point_of_contact_change(membership=membership, by=by, **data)
        return "Point of contact recorded."

    def form_of(membership: CohortMembership) -> PointOfContactForm:
        return PointOfContactForm(
            request.POST, prefix="poc", jurisdiction_id=membership.jurisdiction_id
        )

    return _seat_form_post(request, pk, "poc", form_of, save)


@login_required
def mou_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    mou = get_object_or_404(selectors.mous_visible_to(request.user), pk=pk)
    if not request.user.has_perm("jurisdictions.view_mou", mou.membership) or not mou.signed_file:
        raise Http404("No signed MoU here.")
    return private_file_response(mou.signed_file, filename=mou.signed_file_name or "signed-mou.pdf")


@login_required
def letter_download(request: HttpRequest, pk: int) -> HttpResponseBase:
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
        raise BadRequest(str(error)) from error
    rows: list[dict[str, Any]] = []
    if cohort is not None:
        for m in selectors.cohort_paperwork(cohort_id=cohort.pk):
            mou = getattr(m, "mou", None)
            paperwork = services.Paperwork(
                mou_signed=bool(mou and mou.status in mou_workflow.SIGNED),
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
        raise BadRequest("Unknown category: choose one from the list.")
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
def resource_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_perm("jurisdictions.add_resource"):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            resource = services.resource_create(upload=data.pop("file"), by=request.user, **data)
        except ValidationError as error:
            form_add_validation_error(form, error)
        else:
            messages.success(request, f"“{resource.title}” is in the library.")
            return redirect("jurisdictions:resources")
    return render(request, "jurisdictions/resource_form.html", {"form": form})


@login_required
def resource_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    resource = get_object_or_404(selectors.resources_visible_to(request.user), pk=pk)
    return private_file_response(resource.file, filename=resource.file_name)


@login_required
@require_POST
def resource_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("jurisdictions.delete_resource"):
        raise PermissionDenied
    resource = get_object_or_404(Resource, pk=pk)
    services.resource_delete(resource=resource, by=request.user)
    messages.success(request, f"Removed “{resource.title}”.")
    return redirect("jurisdictions:resources")
