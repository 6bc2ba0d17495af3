from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, viewsets

from gpl_cohort.api.permissions import RulesPermission
from jurisdictions.api.serializers import (
    CohortMembershipSerializer,
    JurisdictionSerializer,
    MoUSerializer,
    ResourceSerializer,
    SupportLetterSerializer,
)
from jurisdictions.models import CohortMembership, Jurisdiction, MoU, Resource, SupportLetter
from jurisdictions.selectors import (
    jurisdictions_visible_to,
    memberships_visible_to,
    mous_visible_to,
    resources_visible_to,
    support_letters_visible_to,
)


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


class MoUViewSet(viewsets.ReadOnlyModelViewSet):
    """MoUs with their lifecycle steps (changes go through the seat page's MoU service)."""

    serializer_class = MoUSerializer
    permission_classes = [RulesPermission]
    filterset_fields = ["status", "membership__cohort"]

    def get_queryset(self) -> QuerySet[MoU]:
        return (
            mous_visible_to(self.request.user)
            .prefetch_related("transitions__by")
            .order_by("membership__cohort", "membership__jurisdiction__name")
        )

    def check_object_permissions(self, request: Any, obj: MoU) -> None:
        super().check_object_permissions(request, obj.membership)


class SupportLetterViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SupportLetterSerializer
    permission_classes = [RulesPermission]
    filterset_fields = ["jurisdiction", "membership"]

    def get_queryset(self) -> QuerySet[SupportLetter]:
        return support_letters_visible_to(self.request.user)


class ResourceViewSet(viewsets.ReadOnlyModelViewSet):
    """The resource library: cohort members and community practitioners read it."""

    serializer_class = ResourceSerializer
    permission_classes = [RulesPermission]
    filterset_fields = ["category"]
    search_fields = ["title", "description", "tags__name"]

    def get_queryset(self) -> QuerySet[Resource]:
        return resources_visible_to(self.request.user)
