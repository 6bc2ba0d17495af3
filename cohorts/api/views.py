from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from cohorts.api.serializers import CohortMembershipSerializer, CohortSerializer
from cohorts.models import Cohort, CohortMembership
from cohorts.selectors import cohorts_public, memberships_visible_to
from gpl_cohort.api.permissions import RulesPermission


class CohortViewSet(viewsets.ReadOnlyModelViewSet):
    """Cohorts and their application windows (public)."""

    serializer_class = CohortSerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Cohort]:
        return cohorts_public()


class CohortMembershipViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CohortMembershipSerializer
    permission_classes = [RulesPermission]
    filterset_fields = ["cohort", "status"]

    def get_queryset(self) -> QuerySet[CohortMembership]:
        return memberships_visible_to(self.request.user)
