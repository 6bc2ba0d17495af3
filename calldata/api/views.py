from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from calldata import selectors, services
from calldata.api.serializers import (
    CodeTableDetailSerializer,
    CodeTableSerializer,
    CodeTableUploadSerializer,
    CombineSerializer,
    DatasetDetailSerializer,
    DatasetSerializer,
    DatasetUploadSerializer,
    DecisionTreeDetailSerializer,
    DecisionTreeSerializer,
    MappingSerializer,
    OutcomeRecordSerializer,
    ScenarioResultsSerializer,
    ScenarioSerializer,
)
from calldata.models import CodeTable, Dataset, DecisionTree, OutcomeRecord, Scenario
from gpl_cohort.api.permissions import RulesPermission


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
                user=request.user,
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
    def combine(self, request: Request) -> Response:
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
    def mapping(self, request: Request, pk: str | None = None) -> Response:
        """Confirm the column mapping and start the import."""
        dataset = self.get_object()
        if not request.user.has_perm("calldata.change_dataset", dataset):
            return Response(status=status.HTTP_403_FORBIDDEN)
        serializer = MappingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        mapping = {
            "fields": serializer.validated_data["fields"],
            "flags": serializer.validated_data.get("flags", {}),
        }
        try:
            services.dataset_set_mapping(dataset=dataset, mapping=mapping, user=request.user)
        except DjangoValidationError as error:
            raise ValidationError({"mapping": error.messages}) from error
        dataset.refresh_from_db()
        return Response(DatasetSerializer(dataset).data, status=status.HTTP_202_ACCEPTED)


class ScenarioViewSet(viewsets.ModelViewSet):
    """Eligibility scenarios of a jurisdiction; results are computed on its latest dataset."""

    serializer_class = ScenarioSerializer
    permission_classes = [RulesPermission]
    filterset_fields = ["jurisdiction"]

    def get_queryset(self) -> QuerySet[Scenario]:
        return selectors.scenarios_visible_to(self.request.user)

    def _save(self, serializer: ScenarioSerializer) -> None:
        data = serializer.validated_data
        instance = serializer.instance
        jurisdiction = data.get("jurisdiction") or instance.jurisdiction
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

    def perform_create(self, serializer: ScenarioSerializer) -> None:
        self._save(serializer)

    def perform_update(self, serializer: ScenarioSerializer) -> None:
        self._save(serializer)

    @extend_schema(responses={200: ScenarioResultsSerializer})
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str | None = None) -> Response:
        """Eligible calls, share, unit-hours, hour-of-week profile, staffing, top call types."""
        scenario = self.get_object()
        results = services.scenario_results(scenario=scenario)
        if not results:
            return Response(
                {"detail": "No imported call data for this jurisdiction yet."},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(results)


class DecisionTreeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Call decision trees, one row per version. POST saves the next version of the named tree
    (versions are never changed); the detail adds the calls at each leaf on the latest data."""

    permission_classes = [RulesPermission]
    filterset_fields = ["jurisdiction", "name"]

    def get_queryset(self) -> QuerySet[DecisionTree]:
        return selectors.trees_visible_to(self.request.user)

    def get_serializer_class(self) -> type:
        return DecisionTreeDetailSerializer if self.action == "retrieve" else DecisionTreeSerializer

    def perform_create(self, serializer: DecisionTreeSerializer) -> None:
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
    filterset_fields = ["jurisdiction", "outcome", "occurred_on"]

    def get_queryset(self) -> QuerySet[OutcomeRecord]:
        return selectors.outcomes_visible_to(self.request.user)

    def perform_create(self, serializer: OutcomeRecordSerializer) -> None:
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
                user=request.user,
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
