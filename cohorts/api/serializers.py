from rest_framework import serializers

from cohorts.models import Cohort, CohortMembership


class CohortSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "id", "name", "slug", "opens_at", "closes_at", "time_zone", "starts_on",
            "length_months", "seats", "webinar_url", "is_open",
        ]  # fmt: skip


class CohortMembershipSerializer(serializers.ModelSerializer):
    cohort = serializers.StringRelatedField()
    jurisdiction = serializers.StringRelatedField()
    point_of_contact = serializers.StringRelatedField()

    class Meta:
        model = CohortMembership
        fields = [
            "id", "cohort", "jurisdiction", "status", "point_of_contact", "selected_at",
            "paperwork_received_at", "enrolled_at",
        ]  # fmt: skip
