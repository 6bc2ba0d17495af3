from __future__ import annotations

from typing import Any

from rest_framework import serializers

from calldata import selectors
from calldata.engine.presets import presets
from calldata.engine.scenario import DEFAULTS
from calldata.models import Dataset, Scenario
from jurisdictions.models import Jurisdiction


class DatasetSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="One of: " + ", ".join(Dataset.Status.values)
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Dataset
        fields = [
            "id",
            "jurisdiction",
            "original_name",
            "size",
            "status",
            "status_label",
            "phase",
            "progress",
            "rows_read",
            "rows_kept",
            "error",
            "headers",
            "mapping",
            "mapping_reused",
            "time_zone",
            "first_day",
            "last_day",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class DatasetDetailSerializer(DatasetSerializer):
    class Meta(DatasetSerializer.Meta):
        fields = [*DatasetSerializer.Meta.fields, "report", "summary"]
        read_only_fields = fields


class DatasetUploadSerializer(serializers.Serializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    file = serializers.FileField(allow_empty_file=True, help_text="CSV, .xlsx or .zip CAD export")

    def validate_jurisdiction(self, value: Jurisdiction) -> Jurisdiction:
        user = self.context["request"].user
        if not selectors.jurisdictions_for_upload(user).filter(pk=value.pk).exists():
            raise serializers.ValidationError("You cannot upload call data for this jurisdiction.")
        return value


class MappingSerializer(serializers.Serializer):
    fields = serializers.DictField(
        child=serializers.CharField(), help_text="canonical field -> column header"
    )
    flags = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="flag name -> column header"
    )


class CriteriaField(serializers.JSONField):
    def to_internal_value(self, data: Any) -> dict:
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("Criteria must be an object.")
        unknown = set(value) - set(DEFAULTS)
        if unknown:
            raise serializers.ValidationError(f"Unknown criteria: {', '.join(sorted(unknown))}")
        return value


class ScenarioSerializer(serializers.ModelSerializer):
    criteria = CriteriaField(help_text="Keys: " + ", ".join(DEFAULTS))
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())

    class Meta:
        model = Scenario
        fields = [
            "id",
            "jurisdiction",
            "dataset",
            "name",
            "preset",
            "criteria",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["dataset", "created_at", "updated_at"]

    def validate_jurisdiction(self, value: Jurisdiction) -> Jurisdiction:
        user = self.context["request"].user
        if not selectors.jurisdictions_for_upload(user).filter(pk=value.pk).exists():
            raise serializers.ValidationError("You cannot add scenarios for this jurisdiction.")
        if self.instance is not None and self.instance.jurisdiction_id != value.pk:
            raise serializers.ValidationError("A scenario cannot move to another jurisdiction.")
        return value

    def validate_preset(self, value: str) -> str:
        if value and value not in presets():
            raise serializers.ValidationError(f"Unknown preset; one of {', '.join(presets())}.")
        return value


class ScenarioResultsSerializer(serializers.Serializer):
    total_calls = serializers.IntegerField()
    eligible_calls = serializers.IntegerField()
    share = serializers.FloatField()
    days = serializers.IntegerField()
    per_year = serializers.FloatField()
    per_day = serializers.FloatField()
    unit_hours = serializers.DictField()
    hour_of_week = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField())
    )
    staffing = serializers.DictField()
    top_call_types = serializers.ListField(child=serializers.DictField())
    by_category = serializers.ListField(child=serializers.ListField())
