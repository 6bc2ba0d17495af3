from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from calldata import selectors
from calldata.engine import tree as tree_engine
from calldata.engine.codes import MAX_BYTES as MAX_CODE_TABLE_BYTES
from calldata.engine.fields import ADDRESS_PARTS, CLOCK_FIELDS
from calldata.engine.presets import presets
from calldata.engine.scenario import DEFAULTS
from calldata.forms import OutcomeForm
from calldata.models import (
    CodeTable,
    Dataset,
    DecisionTree,
    OutcomeRecord,
    ReadingSettings,
    Scenario,
)
from jurisdictions.models import Jurisdiction

if TYPE_CHECKING:
    from gpl_cohort.accounts.roles import RequestUser


class DatasetSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="One of: " + ", ".join(Dataset.Status.values)
    )
    status_label = serializers.CharField(
        source="status_text",
        read_only=True,
        help_text="The status in words; “Imported with warnings” when the import warned.",
    )
    parts: serializers.PrimaryKeyRelatedField[Dataset] = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text="For an analysis of several imports: the datasets it combines",
    )

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
            "time_zone_origin",
            "warning_count",
            "first_day",
            "last_day",
            "parts",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class DatasetDetailSerializer(DatasetSerializer):
    files = serializers.ListField(
        source="covers",
        child=serializers.CharField(),
        read_only=True,
        help_text="The files its calls come from",
    )

    class Meta(DatasetSerializer.Meta):
        fields = [*DatasetSerializer.Meta.fields, "files", "report", "summary"]
        read_only_fields = fields


class CombineSerializer(serializers.Serializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    datasets = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=2,
        help_text="Ids of the jurisdiction's imported datasets to analyse as one",
    )

    def validate_jurisdiction(self, value: Jurisdiction) -> Jurisdiction:
        return _writable_jurisdiction(self.context["request"].user, value, "analyses")


class DatasetUploadSerializer(serializers.Serializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    file = serializers.FileField(allow_empty_file=True, help_text="CSV, .xlsx or .zip CAD export")

    def validate_jurisdiction(self, value: Jurisdiction) -> Jurisdiction:
        user = self.context["request"].user
        if not selectors.jurisdictions_for_upload(user).filter(pk=value.pk).exists():
            raise serializers.ValidationError("You cannot upload call data for this jurisdiction.")
        return value


class CodeTableSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CodeTable
        fields = [
            "id",
            "jurisdiction",
            "kind",
            "kind_label",
            "original_name",
            "code_column",
            "description_column",
            "codes",
            "notes",
            "source",
            "created_at",
        ]
        read_only_fields = fields


class CodeTableDetailSerializer(CodeTableSerializer):
    entries = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="code -> description"
    )

    class Meta(CodeTableSerializer.Meta):
        fields = [*CodeTableSerializer.Meta.fields, "entries"]
        read_only_fields = fields


class CodeTableUploadSerializer(serializers.Serializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    kind = serializers.ChoiceField(
        choices=CodeTable.Kind.choices,
        required=False,
        allow_blank=True,
        help_text="Which codes it describes; detected from the file when left out",
    )
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="CSV or .xlsx with a code column and a description column",
    )

    def validate_jurisdiction(self, value: Jurisdiction) -> Jurisdiction:
        return _writable_jurisdiction(self.context["request"].user, value, "code tables")

    def validate_file(self, value: Any) -> Any:
        if value.size > MAX_CODE_TABLE_BYTES:
            raise serializers.ValidationError(
                f"A code table is at most {MAX_CODE_TABLE_BYTES // 1024**2} MB."
            )
        return value


class MappingSerializer(serializers.Serializer):
    # DRF's metaclass takes declared fields off the class, so this does not hide
    # Serializer.fields at run time; the stubs cannot know that.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.CharField(), help_text="canonical field -> column header"
    )
    flags = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="flag name -> column header"
    )
    address_parts = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="An address split over several columns: part ("
        + ", ".join(ADDRESS_PARTS)
        + ") -> column header; joined as “1200 N MAIN ST & OAK ST”.",
    )
    clock_columns = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="A later timestamp given as a date column (its field) and a time-of-day "
        "column: field (" + ", ".join(CLOCK_FIELDS) + ") -> time-of-day column header.",
    )
    time_zone = serializers.CharField(
        required=False,
        help_text="IANA zone of the file's local times (default: the dataset's proposed zone, "
        "see time_zone_origin).",
    )
    accept_clock_warning = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Import even though the first rows' received times are all at midnight "
        "(or all on one minute).",
    )

    def validate_clock_columns(self, value: dict) -> dict:
        unknown = sorted(set(value) - set(CLOCK_FIELDS))
        if unknown:
            raise serializers.ValidationError(f"Not a later timestamp: {', '.join(unknown)}")
        return value

    def validate_address_parts(self, value: dict) -> dict:
        unknown = sorted(set(value) - set(ADDRESS_PARTS))
        if unknown:
            raise serializers.ValidationError(f"Unknown address parts: {', '.join(unknown)}")
        return value


class ReadingSettingsSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.IntegerField(source="jurisdiction_id", read_only=True)
    priority_asked = serializers.BooleanField(read_only=True)
    # A jurisdiction that never saved its settings reads the proposed defaults: never updated.
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = ReadingSettings
        fields = [
            "jurisdiction",
            "priority_order",
            "priority_most_urgent",
            "priority_asked",
            "not_a_call_codes",
            "cancelled_codes",
            "unfounded_codes",
            "unknown_values",
            "updated_at",
        ]
        read_only_fields = ["jurisdiction", "priority_asked", "updated_at"]


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
    projected = serializers.BooleanField(
        help_text="True when the yearly figures are projected from less than a year of data"
    )
    per_year = serializers.FloatField()
    per_day = serializers.FloatField()
    unit_hours = serializers.DictField()
    hour_of_week = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField())
    )
    staffing = serializers.DictField()
    top_call_types = serializers.ListField(child=serializers.DictField())
    by_category = serializers.ListField(child=serializers.ListField())


def _writable_jurisdiction(user: RequestUser, value: Jurisdiction, what: str) -> Jurisdiction:
    if not selectors.jurisdictions_for_upload(user).filter(pk=value.pk).exists():
        raise serializers.ValidationError(f"You cannot add {what} for this jurisdiction.")
    return value


class TreeLeafSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="root.yes.no…: the answers that lead to this leaf")
    leaf = serializers.ChoiceField(choices=list(tree_engine.OUTCOMES))
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, as above
    count = serializers.IntegerField(help_text="calls of the dataset that end here")
    per_day = serializers.FloatField()


class TreeVolumesSerializer(serializers.Serializer):
    dataset = serializers.IntegerField(help_text="the jurisdiction's latest imported dataset")
    total = serializers.IntegerField()
    leaves = TreeLeafSerializer(many=True)
    by_outcome = serializers.DictField(child=serializers.IntegerField())


class TreeNodesField(serializers.JSONField):
    NOT_TEXT = "The tree holds characters that are not text (NUL or a lone surrogate)."

    def to_internal_value(self, data: Any) -> dict:
        value = super().to_internal_value(data)
        try:
            if not isinstance(value, dict):
                raise tree_engine.TreeError("root: each node must be an object.")
            tree_engine.validate(value)
        except tree_engine.TreeError as error:
            raise serializers.ValidationError(str(error)) from error
        # PostgreSQL's jsonb refuses NUL characters and lone surrogates.
        text = json.dumps(value, ensure_ascii=False)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise serializers.ValidationError(self.NOT_TEXT) from error
        if "\\u0000" in text:
            raise serializers.ValidationError(self.NOT_TEXT)
        return value


class DecisionTreeSerializer(serializers.ModelSerializer):
    """One version of a call decision tree. POST saves a new version of the named tree."""

    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    nodes = TreeNodesField(
        help_text='A question {"question", "test": {"kind", …}, "yes": node, "no": node} or an '
        'answer {"leaf": '
        + " | ".join(tree_engine.OUTCOMES)
        + ', "label"?}; test kinds: '
        + ", ".join(sorted(tree_engine.TEST_KINDS))
    )

    class Meta:
        model = DecisionTree
        fields = ["id", "jurisdiction", "name", "version", "nodes", "note", "created_at"]
        read_only_fields = ["version", "created_at"]
        validators: list = []  # the version is the service's to number

    def validate_jurisdiction(self, value: Jurisdiction) -> Jurisdiction:
        return _writable_jurisdiction(self.context["request"].user, value, "decision trees")


class DecisionTreeDetailSerializer(DecisionTreeSerializer):
    volumes = serializers.SerializerMethodField()

    class Meta(DecisionTreeSerializer.Meta):
        fields = [*DecisionTreeSerializer.Meta.fields, "volumes"]

    @extend_schema_field(TreeVolumesSerializer(allow_null=True))
    def get_volumes(self, tree: DecisionTree) -> dict | None:
        """Calls at each leaf on the latest imported dataset (null before any import)."""
        dataset = selectors.latest_dataset(tree.jurisdiction_id)
        if dataset is None:
            return None
        return {"dataset": dataset.pk, **selectors.tree_volumes(tree.nodes, dataset)}


class OutcomeRecordSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    response_min = serializers.FloatField(
        min_value=0, max_value=100_000, required=False, allow_null=True
    )
    on_scene_min = serializers.FloatField(
        min_value=0, max_value=100_000, required=False, allow_null=True
    )

    class Meta:
        model = OutcomeRecord
        # The fields of the page's form, so the two ways in record the same thing.
        fields = ["id", "jurisdiction", *OutcomeForm.Meta.fields, "created_at"]
        read_only_fields = ["created_at"]

    def validate_jurisdiction(self, value: Jurisdiction) -> Jurisdiction:
        return _writable_jurisdiction(self.context["request"].user, value, "outcomes")


class CohortRowSerializer(serializers.Serializer):
    jurisdiction = serializers.CharField(
        help_text="The jurisdiction's name, or “Jurisdiction A”, “B”… for a member that did not "
        "agree to be named (letters in the order of seats, not names)"
    )
    jurisdiction_id = serializers.IntegerField(allow_null=True, help_text="None for a letter")
    named = serializers.BooleanField()
    is_viewer = serializers.BooleanField(help_text="The asking contact's own jurisdiction")
    has_data = serializers.BooleanField(help_text="False before the first import")
    population = serializers.IntegerField(allow_null=True)
    calls = serializers.IntegerField(allow_null=True, help_text="None for a letter")
    first_day = serializers.DateField(allow_null=True, help_text="None for a letter")
    last_day = serializers.DateField(allow_null=True, help_text="None for a letter")
    calls_per_1000_per_year = serializers.FloatField(
        allow_null=True, help_text="None when the population is not given (or hidden)"
    )
    eligible_share = serializers.FloatField(
        allow_null=True, help_text="Share of the calls the preset's response model would take"
    )
    busiest_hour = serializers.CharField(allow_null=True, help_text="e.g. “Friday 14:00–15:00”")
    mix = serializers.DictField(
        child=serializers.FloatField(),
        allow_null=True,
        help_text="Share of the calls in each category (keys as in `categories`)",
    )


class CohortCategorySerializer(serializers.Serializer):
    key = serializers.CharField()
    # A field named `label`: the stubs read it as the serializer's own Field.label.
    label = serializers.CharField()  # type: ignore[assignment]


class CohortPresetSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class CohortComparisonSerializer(serializers.Serializer):
    cohort = serializers.IntegerField()
    cohort_name = serializers.CharField()
    preset = CohortPresetSerializer()
    categories = CohortCategorySerializer(many=True)
    rows = CohortRowSerializer(many=True)
