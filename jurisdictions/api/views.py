from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import mixins, viewsets

from gpl_cohort.api.permissions import RulesPermission
from jurisdictions.api.serializers import CohortMembershipSerializer, JurisdictionSerializer
from jurisdictions.models import CohortMembership, Jurisdiction
from jurisdictions.selectors import jurisdictions_visible_to, memberships_visible_to


class JurisdictionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Jurisdictions: staff see all; a contact sees and edits only their own."""

    serializer_class = JurisdictionSerializer
    permission_classes = [RulesPermission]
    http_method_names = ["get", "patch", "head", "options"]
    filterset_fields = ["state", "kind"]
    search_fields = ["name"]
    ordering_fields = ["name", "state", "population"]

    def get_queryset(self) -> QuerySet[Jurisdiction]:
        return jurisdictions_visible_to(self.request.user).prefetch_related("response_teams")


class CohortMembershipViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CohortMembershipSerializer
    permission_classes = [RulesPermission]
    filterset_fields = ["cohort", "status"]

    def get_queryset(self) -> QuerySet[CohortMembership]:
        return memberships_visible_to(self.request.user)
