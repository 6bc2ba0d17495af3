from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from applications.api.serializers import (
    ApplicationSerializer,
    ReviewSerializer,
    TransitionSerializer,
)
from applications.models import Application, Review
from applications.selectors import applications_visible_to, reviews_visible_to, with_review_stats
from applications.services import TransitionError, application_transition, review_submit
from gpl_cohort.accounts.http import AuthenticatedRequest
from gpl_cohort.api.permissions import RulesPermission
from gpl_cohort.api.serializers import ErrorSerializer

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Applications: staff list, filter and read all of them; an applicant reads their own."""

    serializer_class = ApplicationSerializer
    permission_classes = [RulesPermission]
    request: AuthenticatedRequest  # the permission classes require a signed-in user
    filterset_fields = ["cohort", "status", "stage", "applying_office", "jurisdiction__state"]
    search_fields = ["jurisdiction__name"]
    ordering_fields = ["submitted_at", "created_at", "jurisdiction__name"]

    def get_queryset(self) -> QuerySet[Application]:
        qs = applications_visible_to(self.request.user).order_by("pk")
        if self.request.user.is_staff:
            qs = with_review_stats(qs)
        return qs

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        if self.action == "transition":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        request=TransitionSerializer,
        responses={
            200: ApplicationSerializer,
            400: OpenApiResponse(ErrorSerializer, description="The transition is not allowed"),
            403: OpenApiResponse(ErrorSerializer, description="Not yours to make"),
        },
        summary="Move the application to another status (through the workflow)",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: AuthenticatedRequest, pk: Any = None) -> Response:
        application = self.get_object()
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            application_transition(
                application=application,
                to_status=payload.validated_data["to_status"],
                by=request.user,
                comment=payload.validated_data["comment"],
            )
        except TransitionError as error:
            code = status.HTTP_403_FORBIDDEN if error.code == "forbidden" else 400
            return Response({"detail": str(error)}, status=code)
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(fresh).data)


class IsProgramStaff(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class ReviewViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Round 1 reviews. Others' reviews of an application are listed once you reviewed it."""

    serializer_class = ReviewSerializer
    permission_classes = [IsProgramStaff]
    request: AuthenticatedRequest  # the permission classes require a signed-in user
    filterset_fields = ["application", "conflict_of_interest"]

    def get_queryset(self) -> QuerySet[Review]:
        return reviews_visible_to(self.request.user).order_by("pk")

    @extend_schema(responses={201: ReviewSerializer, 400: ErrorSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = applications_visible_to(request.user).get(pk=data["application"].pk)
        try:
            review = review_submit(
                application=application,
                reviewer=self.request.user,  # the same request, typed signed in
                conflict_of_interest=data.get("conflict_of_interest", False),
                comment=data.get("comment", ""),
                scores={s["criterion"].pk: s["score"] for s in data.get("scores", [])},
            )
        except DjangoValidationError as error:
            raise ValidationError({"detail": " ".join(error.messages)}) from error
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)
