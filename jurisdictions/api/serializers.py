from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from rest_framework import serializers

from cohorts.models import CohortMembership
from jurisdictions.models import (
    Jurisdiction,
    MoU,
    MoUTransition,
    Resource,
    ResourceTag,
    ResponseTeam,
    SupportLetter,
)

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User


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


_MOU_STATES = ", ".join(MoU.Status.values)


class MoUTransitionSerializer(serializers.ModelSerializer):
    by: serializers.StringRelatedField[User] = serializers.StringRelatedField()
    # Plain strings: the MoU states appear once in the schema, as text (no duplicate enums).
    from_status = serializers.CharField(read_only=True, help_text=f"One of: {_MOU_STATES}")
    to_status = serializers.CharField(read_only=True, help_text=f"One of: {_MOU_STATES}")

    class Meta:
        model = MoUTransition
        fields = ["from_status", "to_status", "by", "at", "note"]


class MoUSerializer(serializers.ModelSerializer):
    membership: serializers.PrimaryKeyRelatedField[CohortMembership] = (
        serializers.PrimaryKeyRelatedField(read_only=True)
    )
    jurisdiction = serializers.SerializerMethodField()
    transitions = MoUTransitionSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text=f"One of: {_MOU_STATES}")
    signed_file_url = serializers.SerializerMethodField()

    class Meta:
        model = MoU
        fields = [
            "id", "membership", "jurisdiction", "status", "jurisdiction_signatory",
            "jurisdiction_signatory_title", "program_signatory", "sent_at", "signed_at",
            "countersigned_at", "last_reminded_at", "signed_file_url", "transitions",
        ]  # fmt: skip

    def get_jurisdiction(self, mou: MoU) -> int:
        return mou.membership.jurisdiction_id

    def get_signed_file_url(self, mou: MoU) -> str | None:
        return reverse("jurisdictions:mou_download", args=[mou.pk]) if mou.signed_file else None


class MoUStepSerializer(serializers.Serializer):
    """A step of the MoU's lifecycle (jurisdictions/mou_workflow.py); signing needs the seat page,
    where the signed PDF is uploaded and checked."""

    to_status = serializers.CharField(max_length=20, help_text=f"One of: {_MOU_STATES}")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    program_signatory = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=150
    )


class SupportLetterSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = SupportLetter
        fields = [
            "id", "jurisdiction", "membership", "application", "signer_name", "signer_title",
            "office", "dated", "received_at", "file_name", "file_url",
        ]  # fmt: skip

    def get_file_url(self, letter: SupportLetter) -> str:
        return reverse("jurisdictions:letter_download", args=[letter.pk])


class ResourceSerializer(serializers.ModelSerializer):
    tags: serializers.SlugRelatedField[ResourceTag] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        fields = [
            "id", "title", "description", "category", "tags", "source_jurisdiction",
            "file_name", "file_kind", "file_size", "created_at", "file_url",
        ]  # fmt: skip

    def get_file_url(self, resource: Resource) -> str:
        return reverse("jurisdictions:resource_download", args=[resource.pk])
