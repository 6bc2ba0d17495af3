from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from calldata import cohort as cohort_selectors
from calldata import selectors, services
from calldata.api.serializers import (
    CodeTableDetailSerializer,
    CodeTableSerializer,
    CodeTableUploadSerializer,
    CohortComparisonSerializer,
    CombineSerializer,
    DatasetDetailSerializer,
    DatasetSerializer,
    DatasetUploadSerializer,
    DecisionTreeDetailSerializer,
    DecisionTreeSerializer,
    MappingSerializer,
    OutcomeRecordSerializer,
    ReadingSettingsSerializer,
    ScenarioResultsSerializer,
    ScenarioSerializer,
)
from calldata.models import (
    CATEGORY_CHOICES,
    CodeTable,
    Dataset,
    DecisionTree,
    OutcomeRecord,
    ReadingSettings,
    Scenario,
)
from gpl_cohort.accounts.http import AuthenticatedRequest
from gpl_cohort.api.permissions import RulesPermission
from jurisdictions.models import Jurisdiction

CATEGORY_LABELS = dict(CATEGORY_CHOICES)


class DatasetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Uploaded CAD exports: staff see all; a contact only their jurisdiction's. DELETE removes
    a dataset that is not being imported (409 while it is) with its files."""

    permission_classes = [RulesPermission]
    request: AuthenticatedRequest  # the permission classes require a signed-in user
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_fields = ["jurisdiction"]

    def get_queryset(self) -> QuerySet[Dataset]:
        if self.action == "retrieve":
            return Dataset.objects.filter(
                pk__in=selectors.datasets_visible_to(self.request.user).values("pk")
            )
        return selectors.datasets_visible_to(self.request.user)

    def get_serializer_class(self) -> type:
        if self.action == "create":
            return DatasetUploadSerializer
        if self.action == "retrieve":
            return DatasetDetailSerializer
        if self.action == "mapping":
            return MappingSerializer
        if self.action == "combine":
            return CombineSerializer
        return DatasetSerializer

    @extend_schema(
        request={"multipart/form-data": DatasetUploadSerializer}, responses={201: DatasetSerializer}
    )
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = DatasetUploadSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            dataset = services.dataset_upload(
                user=self.request.user,  # the same request, typed signed in
                jurisdiction=serializer.validated_data["jurisdiction"],
                upload=serializer.validated_data["file"],
            )
        except DjangoValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        return Response(DatasetSerializer(dataset).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 409: None})
    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        dataset = self.get_object()
        try:
            services.dataset_delete(dataset=dataset)
        except DjangoValidationError as error:
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CombineSerializer, responses={202: DatasetSerializer})
    @action(detail=False, methods=["post"], parser_classes=[JSONParser, FormParser])
    def combine(self, request: AuthenticatedRequest) -> Response:
        """Analyse several imported datasets of a jurisdiction as one (same columns; an
        incident in several files is merged by its id). Starts the import of the analysis."""
        serializer = CombineSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        jurisdiction = serializer.validated_data["jurisdiction"]
        wanted = serializer.validated_data["datasets"]
        datasets = list(selectors.datasets_visible_to(request.user).filter(pk__in=wanted))
        unknown = sorted(set(wanted) - {d.pk for d in datasets})
        if unknown:
            raise ValidationError(
                {"datasets": [f"No such dataset: {', '.join(map(str, unknown))}."]}
            )
        try:
            dataset = services.dataset_combine(
                user=request.user, jurisdiction=jurisdiction, datasets=datasets
            )
        except DjangoValidationError as error:
            raise ValidationError({"datasets": error.messages}) from error
        dataset.refresh_from_db()
        return Response(DatasetSerializer(dataset).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=MappingSerializer, responses={202: DatasetSerializer})
    @action(detail=True, methods=["post"], url_path="mapping")
    def mapping(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Confirm the column mapping and start the import."""
        dataset = self.get_object()
        if not request.user.has_perm("calldata.change_dataset", dataset):
            return Response(status=status.HTTP_403_FORBIDDEN)
        serializer = MappingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        mapping = {"fields": data["fields"], "flags": data.get("flags", {})}
        for key in ("address_parts", "clock_columns"):
            if data.get(key):
                mapping[key] = data[key]
        try:
            services.dataset_set_mapping(
                dataset=dataset,
                mapping=mapping,
                user=request.user,
                time_zone=data.get("time_zone"),
                accept_clock_warning=data["accept_clock_warning"],
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise ValidationError(error.message_dict) from error
            raise ValidationError({"mapping": error.messages}) from error
        dataset.refresh_from_db()
        return Response(DatasetSerializer(dataset).data, status=status.HTTP_202_ACCEPTED)


class ReadingSettingsViewSet(viewsets.GenericViewSet):
    """How each jurisdiction's exports are read (disposition codes, unknown values, the
    priority scale), addressed by jurisdiction id. A jurisdiction that never saved its own
    gets the proposed settings; another jurisdiction's are 404 to a contact."""

    serializer_class = ReadingSettingsSerializer
    permission_classes = [RulesPermission]
    request: AuthenticatedRequest  # the permission classes require a signed-in user
    lookup_field = "jurisdiction"
    lookup_url_kwarg = "jurisdiction_id"
    lookup_value_regex = r"\d+"
    required_perms = dict.fromkeys(("GET", "PUT", "PATCH"), "calldata.use_calldata")

    def get_queryset(self) -> QuerySet[Jurisdiction]:
        return selectors.jurisdictions_for_upload(self.request.user)

    def _settings(self) -> ReadingSettings:
        jurisdiction = get_object_or_404(self.get_queryset(), pk=self.kwargs["jurisdiction_id"])
        return selectors.reading_settings_for(jurisdiction.pk)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset().order_by("pk")) or []
        saved = {
            s.jurisdiction_id: s for s in ReadingSettings.objects.filter(jurisdiction__in=page)
        }
        items = [saved.get(j.pk) or ReadingSettings(jurisdiction=j) for j in page]
        return self.get_paginated_response(ReadingSettingsSerializer(items, many=True).data)

    def retrieve(self, request: Request, jurisdiction_id: str | None = None) -> Response:
        return Response(ReadingSettingsSerializer(self._settings()).data)

    def update(self, request: AuthenticatedRequest, jurisdiction_id: str | None = None) -> Response:
        current = self._settings()
        serializer = ReadingSettingsSerializer(current, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            saved = services.reading_settings_save(
                jurisdiction=current.jurisdiction,
                user=request.user,
                values=dict(serializer.validated_data),
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        return Response(ReadingSettingsSerializer(saved).data)

    def partial_update(
        self, request: AuthenticatedRequest, jurisdiction_id: str | None = None
    ) -> Response:
        return self.update(request, jurisdiction_id)


class ScenarioViewSet(viewsets.ModelViewSet):
    """Eligibility scenarios of a jurisdiction; results are computed on its latest dataset."""

    serializer_class = ScenarioSerializer
    permission_classes = [RulesPermission]
    request: AuthenticatedRequest  # the permission classes require a signed-in user
    filterset_fields = ["jurisdiction"]

    def get_queryset(self) -> QuerySet[Scenario]:
        return selectors.scenarios_visible_to(self.request.user)

    def _save(self, serializer: BaseSerializer[Scenario]) -> None:
        data = serializer.validated_data
        instance = serializer.instance
        jurisdiction = data.get("jurisdiction") or (instance.jurisdiction if instance else None)
        if jurisdiction is None:
            raise ValidationError({"jurisdiction": ["Name the jurisdiction."]})
        try:
            serializer.instance = services.scenario_save(
                jurisdiction=jurisdiction,
                user=self.request.user,
                name=data.get("name", instance.name if instance else ""),
                criteria=data.get("criteria", instance.criteria if instance else {}),
                preset=data.get("preset", instance.preset if instance else ""),
                scenario=instance,
            )
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from error

    def perform_create(self, serializer: BaseSerializer[Scenario]) -> None:
        self._save(serializer)

    def perform_update(self, serializer: BaseSerializer[Scenario]) -> None:
        self._save(serializer)

    @extend_schema(responses={200: ScenarioResultsSerializer, 202: None, 409: None})
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str | None = None) -> Response:
        """Eligible calls, share, unit-hours, hour-of-week profile, staffing, top call types."""
        scenario = self.get_object()
        if scenario.results:
            return Response(scenario.results)
        if selectors.latest_dataset(scenario.jurisdiction_id) is None:
            return Response(
                {"detail": "No imported call data for this jurisdiction yet."},
                status=status.HTTP_409_CONFLICT,
            )
        services.scenarios_compute_later(jurisdiction_id=scenario.jurisdiction_id)
        return Response(
            {"detail": "The results are being computed; ask again in a moment."},
            status=status.HTTP_202_ACCEPTED,
        )


class DecisionTreeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Call decision trees, one row per version. POST saves the next version of the named tree
    (versions are never changed); the detail adds the calls at each leaf on the latest data."""

    permission_classes = [RulesPermission]
    request: AuthenticatedRequest  # the permission classes require a signed-in user
    filterset_fields = ["jurisdiction", "name"]

    def get_queryset(self) -> QuerySet[DecisionTree]:
        return selectors.trees_visible_to(self.request.user)

    def get_serializer_class(self) -> type:
        return DecisionTreeDetailSerializer if self.action == "retrieve" else DecisionTreeSerializer

    def perform_create(self, serializer: BaseSerializer[DecisionTree]) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = services.tree_save(
                jurisdiction=data["jurisdiction"],
                user=self.request.user,
                name=data["name"].strip(),
                nodes=data["nodes"],
                note=data.get("note", ""),
            )
        except DjangoValidationError as error:
            raise ValidationError({"nodes": error.messages}) from error


class OutcomeRecordViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Calls the alternative team answered after launch: staff see all, a contact their
    jurisdiction's."""

    serializer_class = OutcomeRecordSerializer
    permission_classes = [RulesPermission]
    request: AuthenticatedRequest  # the permission classes require a signed-in user
    filterset_fields = ["jurisdiction", "outcome", "occurred_on"]

    def get_queryset(self) -> QuerySet[OutcomeRecord]:
        return selectors.outcomes_visible_to(self.request.user)

    def perform_create(self, serializer: BaseSerializer[OutcomeRecord]) -> None:
        try:
            serializer.instance = services.outcome_create(
                user=self.request.user, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from error


class CodeTableViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Code → description tables of call types, dispositions and beats. POST attaches one
    (replacing the jurisdiction's table of the same kind); the jurisdiction's imported data is
    read again with it, as after DELETE without it."""

    permission_classes = [RulesPermission]
    request: AuthenticatedRequest  # the permission classes require a signed-in user
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["jurisdiction", "kind"]

    def get_queryset(self) -> QuerySet[CodeTable]:
        tables = selectors.code_tables_visible_to(self.request.user)
        return tables.defer(None) if self.action == "retrieve" else tables

    def get_serializer_class(self) -> type:
        if self.action == "create":
            return CodeTableUploadSerializer
        if self.action == "retrieve":
            return CodeTableDetailSerializer
        return CodeTableSerializer

    @extend_schema(
        request={"multipart/form-data": CodeTableUploadSerializer},
        responses={201: CodeTableSerializer},
    )
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = CodeTableUploadSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            table = services.code_table_create(
                user=self.request.user,  # the same request, typed signed in
                jurisdiction=serializer.validated_data["jurisdiction"],
                content=upload.read(),
                name=upload.name or "codes.csv",
                kind=serializer.validated_data.get("kind", ""),
            )
        except DjangoValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        return Response(CodeTableSerializer(table).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: CodeTable) -> None:
        services.code_table_delete(table=instance)


class CohortViewSet(viewsets.GenericViewSet):
    """The cohort side by side, as on its page and in its CSV: staff see every member named; a
    member's contact sees its own jurisdiction and the members that agreed to share, the
    others as letters; a cohort the contact's jurisdiction is not in is 404."""

    permission_classes = [RulesPermission]
    required_perms = {"GET": "calldata.use_calldata"}
    serializer_class = CohortComparisonSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet:
        return cohort_selectors.cohorts_visible_to(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "preset",
                str,
                enum=list(selectors.response_presets()),
                description="The response model of the eligible share (the first when left out)",
            )
        ],
        responses={200: CohortComparisonSerializer},
    )
    @action(detail=True, methods=["get"])
    def comparison(self, request: Request, pk: str | None = None) -> Response:
        """Every member's calls, days, calls per 1,000 residents per year, eligible share
        under one preset, busiest hour of the week and call mix."""
        cohort = get_object_or_404(self.get_queryset(), pk=pk)
        keys = list(selectors.response_presets())
        key = request.query_params.get("preset") or keys[0]
        if key not in keys:
            raise ValidationError({"preset": [f"One of: {', '.join(keys)}."]})
        data = cohort_selectors.comparison(user=request.user, cohort=cohort, preset_key=key)
        categories = data["categories"]
        return Response(
            CohortComparisonSerializer(
                {
                    "cohort": cohort.pk,
                    "cohort_name": cohort.name,
                    "preset": {"key": key, "name": data["preset"]["name"]},
                    "categories": [{"key": c, "label": CATEGORY_LABELS[c]} for c in categories],
                    "rows": [cohort_selectors.shown(row, categories) for row in data["rows"]],
                }
            ).data
        )
