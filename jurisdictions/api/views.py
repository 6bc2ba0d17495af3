from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from gpl_cohort.accounts.http import AuthenticatedRequest
from gpl_cohort.api.permissions import RulesPermission
from gpl_cohort.api.serializers import ErrorSerializer
from jurisdictions.api.serializers import (
    JurisdictionSerializer,
    MoUSerializer,
    MoUStepSerializer,
    ResourceSerializer,
    SupportLetterSerializer,
)
from jurisdictions.models import Jurisdiction, MoU, Resource, SupportLetter
from jurisdictions.selectors import (
    jurisdictions_visible_to,
    mous_visible_to,
    resources_visible_to,
    support_letters_visible_to,
)
from jurisdictions.services import mou_transition

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission


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


class MoUViewSet(viewsets.ReadOnlyModelViewSet):
    """MoUs with their lifecycle steps; a step is taken through the one MoU service."""

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

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        if self.action == "transition":  # who may take which step is the workflow's to say
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        request=MoUStepSerializer,
        responses={
            200: MoUSerializer,
            400: OpenApiResponse(ErrorSerializer, description="The step is not allowed now"),
            403: OpenApiResponse(ErrorSerializer, description="Not your side's step"),
        },
        summary="Take a step of the MoU's lifecycle (through the MoU workflow)",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: AuthenticatedRequest, pk: Any = None) -> Response:
        payload = MoUStepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            mou_transition(mou=self.get_object(), by=request.user, **payload.validated_data)
        except ValidationError as error:
            return Response({"detail": " ".join(error.messages)}, status=400)
        except PermissionDenied as error:
            return Response({"detail": str(error)}, status=status.HTTP_403_FORBIDDEN)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


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
