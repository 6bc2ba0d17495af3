from rest_framework import serializers

from jurisdictions.models import CohortMembership, Jurisdiction, ResponseTeam


class ResponseTeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResponseTeam
        fields = ["id", "name", "status", "dispatched_from", "launched_on", "make_up", "call_types"]


class JurisdictionSerializer(serializers.ModelSerializer):
    response_teams = ResponseTeamSerializer(many=True, read_only=True)

    class Meta:
        model = Jurisdiction
        fields = [
            "id", "name", "kind", "state", "population", "time_zone", "website", "response_teams",
        ]  # fmt: skip


class CohortMembershipSerializer(serializers.ModelSerializer):
    cohort = serializers.StringRelatedField()
    jurisdiction = serializers.StringRelatedField()
    point_of_contact = serializers.StringRelatedField()

    class Meta:
        model = CohortMembership
        fields = ["id", "cohort", "jurisdiction", "status", "point_of_contact", "enrolled_at"]
