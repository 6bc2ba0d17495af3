from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import serializers

from cohorts.models import Cohort, CohortMembership

if TYPE_CHECKING:
    from django.db.models import Model

    from gpl_cohort.accounts.models import User


class CohortSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "id", "name", "slug", "opens_at", "closes_at", "time_zone", "starts_on",
            "length_months", "seats", "webinar_url", "is_open",
        ]  # fmt: skip


class CohortMembershipSerializer(serializers.ModelSerializer):
    cohort: serializers.StringRelatedField[Cohort] = serializers.StringRelatedField()
    jurisdiction: serializers.StringRelatedField[
        Model
    ]  # a jurisdiction = serializers.StringRelatedField()
    point_of_contact: serializers.StringRelatedField[User] = serializers.StringRelatedField()

    class Meta:
        model = CohortMembership
        fields = [
            "id", "cohort", "jurisdiction", "status", "point_of_contact", "selected_at",
            "paperwork_received_at", "enrolled_at",
        ]  # fmt: skip
