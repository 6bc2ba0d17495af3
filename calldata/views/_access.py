"""Who may open which call-data page: program staff, and a jurisdiction's contact for their
own jurisdiction only (another jurisdiction's objects are a 404)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from calldata import selectors
from calldata.models import Dataset
from jurisdictions.models import Jurisdiction


def _require_use(request: HttpRequest) -> None:
    if not request.user.has_perm("calldata.use_calldata"):
        raise PermissionDenied


def _dataset(request: HttpRequest, pk: int) -> Dataset:
    _require_use(request)
    try:
        return selectors.dataset_visible_to(request.user, pk)
    except Dataset.DoesNotExist as error:
        raise Http404 from error


def _jurisdiction(request: HttpRequest, pk: int) -> Jurisdiction:
    _require_use(request)
    jurisdiction = get_object_or_404(Jurisdiction, pk=pk)
    if not request.user.has_perm("calldata.view_scenario", jurisdiction):
        raise Http404
    return jurisdiction
