from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.serializers import BaseSerializer

from coaching import services
from coaching.api.serializers import CoachingLogSerializer, DeliverableSerializer
from coaching.models import CoachingLog, Deliverable
from coaching.selectors import deliverables_visible_to, logs_visible_to
from gpl_cohort.accounts.http import AuthenticatedRequest
from gpl_cohort.accounts.roles import roles_of
from gpl_cohort.api.permissions import RulesPermission
from jurisdictions.models import Jurisdiction

if TYPE_CHECKING:
    from gpl_cohort.accounts.roles import RequestUser


def _drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


def _jurisdiction_for_write(user: RequestUser, data: dict[str, Any]) -> Jurisdiction:
    roles = roles_of(user)
    asked = data.get("jurisdiction")
    if roles.jurisdiction_id is not None and not roles.is_staff:
        if asked is not None and asked.pk != roles.jurisdiction_id:
            raise serializers.ValidationError(
                {"jurisdiction": ["You may write only for your own jurisdiction."]}
            )
        return Jurisdiction.objects.get(pk=roles.jurisdiction_id)
    if asked is None:
        raise serializers.ValidationError({"jurisdiction": ["Name the jurisdiction."]})
    return asked


class CoachingLogViewSet(viewsets.ModelViewSet):
    """Coaching logs: staff see all; a contact sees their jurisdiction's. Only the author edits
    or deletes an entry, within the staff-configured window."""

    serializer_class = CoachingLogSerializer
    permission_classes = [RulesPermission]
    request: AuthenticatedRequest  # the permission classes require a signed-in user
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields = ["jurisdiction", "kind", "workstream", "date", "week_start", "side"]
    ordering_fields = ["date", "created_at", "duration_minutes"]

    def get_queryset(self) -> QuerySet[CoachingLog]:
        return logs_visible_to(self.request.user)

    def perform_create(self, serializer: BaseSerializer[CoachingLog]) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = services.coaching_log_create(
                jurisdiction=_jurisdiction_for_write(self.request.user, data),
                author=self.request.user,
                date=data["date"],
                duration_minutes=data["duration_minutes"],
                kind=data["kind"],
                workstream=data["workstream"],
                staff_member=data.get("staff_member"),
                notes=data.get("notes", ""),
                next_steps=data.get("next_steps", ""),
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    def perform_update(self, serializer: BaseSerializer[CoachingLog]) -> None:
        log = cast(CoachingLog, serializer.instance)  # an update always has its row
        changes = dict(serializer.validated_data)
        if "jurisdiction" in changes and changes.pop("jurisdiction") != log.jurisdiction:
            raise serializers.ValidationError({"jurisdiction": ["An entry cannot move."]})
        try:
            serializer.instance = services.coaching_log_update(
                log=log, by=self.request.user, **changes
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    def perform_destroy(self, instance: CoachingLog) -> None:
        services.coaching_log_delete(log=instance, by=self.request.user)


class DeliverableViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Deliverables: staff and the jurisdiction's contacts both read and update them."""

    serializer_class = DeliverableSerializer
    permission_classes = [RulesPermission]
    request: AuthenticatedRequest  # the permission classes require a signed-in user
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["jurisdiction", "workstream", "status"]
    ordering_fields = ["due_on", "title", "updated_at"]

    def get_queryset(self) -> QuerySet[Deliverable]:
        return deliverables_visible_to(self.request.user).prefetch_related("documents")

    def perform_create(self, serializer: BaseSerializer[Deliverable]) -> None:
        data = dict(serializer.validated_data)
        data.pop("status", None)
        jurisdiction = _jurisdiction_for_write(self.request.user, data)
        data.pop("jurisdiction", None)
        try:
            serializer.instance = services.deliverable_create(
                jurisdiction=jurisdiction, by=self.request.user, **data
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error

    def perform_update(self, serializer: BaseSerializer[Deliverable]) -> None:
        deliverable = cast(Deliverable, serializer.instance)  # an update always has its row
        changes = dict(serializer.validated_data)
        if "jurisdiction" in changes and changes.pop("jurisdiction") != deliverable.jurisdiction:
            raise serializers.ValidationError({"jurisdiction": ["A deliverable cannot move."]})
        try:
            serializer.instance = services.deliverable_update(
                deliverable=deliverable, by=self.request.user, **changes
            )
        except DjangoValidationError as error:
            raise _drf_error(error) from error
