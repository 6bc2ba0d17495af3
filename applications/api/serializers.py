from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications import workflow
from applications.answers import ANSWER_FIELDS
from applications.models import Application, Review, ReviewScore
from cohorts.models import Cohort

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User
    from jurisdictions.models import Jurisdiction


class ApplicationSerializer(serializers.ModelSerializer):
    cohort: serializers.SlugRelatedField[Cohort] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    jurisdiction: serializers.StringRelatedField[Jurisdiction] = serializers.StringRelatedField()
    jurisdiction_id = serializers.IntegerField(read_only=True)
    state = serializers.CharField(source="jurisdiction.state", read_only=True)
    population = serializers.IntegerField(source="jurisdiction.population", read_only=True)
    status_label = serializers.SerializerMethodField()
    applicant_status_label = serializers.SerializerMethodField()
    mean_score = serializers.SerializerMethodField()
    review_count = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id", "cohort", "jurisdiction", "jurisdiction_id", "state", "population", "status",
            "status_label", "applicant_status_label", "submitted_at", *ANSWER_FIELDS,
            "short_answers", "pending_decision", "mean_score", "review_count",
        ]  # fmt: skip
        read_only_fields = fields

    def get_status_label(self, obj: Application) -> str:
        return workflow.staff_label(obj.status)

    def get_applicant_status_label(self, obj: Application) -> str:
        return workflow.applicant_label(obj.status)

    def _staff(self) -> bool:
        request = self.context.get("request")
        return bool(request and request.user.is_staff)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_mean_score(self, obj: Application) -> float | None:
        return getattr(obj, "mean_score", None) if self._staff() else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_review_count(self, obj: Application) -> int | None:
        return (getattr(obj, "review_count", None) or 0) if self._staff() else None

    def to_representation(self, instance: Application) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self._staff():
            data["pending_decision"] = ""
        return data


class TransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Application.Status.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewScore
        fields = ["criterion", "score"]


class ReviewSerializer(serializers.ModelSerializer):
    scores = ReviewScoreSerializer(many=True, required=False)
    reviewer: serializers.StringRelatedField[User] = serializers.StringRelatedField()

    class Meta:
        model = Review
        fields = [
            "id", "application", "reviewer", "conflict_of_interest", "comment", "scores",
            "submitted_at",
        ]  # fmt: skip
        read_only_fields = ["id", "reviewer", "submitted_at"]
        # One review per reviewer and application: a second POST updates the first.
        validators: list[Any] = []
