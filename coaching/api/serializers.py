from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from rest_framework import serializers

from coaching.models import CoachingLog, Deliverable, DeliverableDocument
from coaching.services import edit_window, log_is_editable
from jurisdictions.models import Jurisdiction

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User


class CoachingLogSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(),
        required=False,
        help_text="Staff name the jurisdiction; a contact's entries are always their own.",
    )
    author: serializers.StringRelatedField[User] = serializers.StringRelatedField()
    counted = serializers.SerializerMethodField(
        help_text="False for a staff entry paired with the contact's entry of the same meeting."
    )
    editable = serializers.SerializerMethodField(
        help_text="Whether you may still change or delete the entry (author, within the window)."
    )

    class Meta:
        model = CoachingLog
        fields = [
            "id", "jurisdiction", "date", "week_start", "duration_minutes", "kind", "workstream",
            "staff_member", "notes", "next_steps", "side", "author", "pairs_with", "counted",
            "editable", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "week_start",
            "side",
            "author",
            "pairs_with",
            "created_at",
            "updated_at",
        ]

    def get_counted(self, log: CoachingLog) -> bool:
        return log.pairs_with_id is None

    def get_editable(self, log: CoachingLog) -> bool:
        # One read of the staff-set window per response, however many entries it lists.
        if log.author_id != self.context["request"].user.pk:
            return False
        if "edit_window" not in self.context:
            # The stubs type the context as read-only; DRF hands every field one shared dict.
            self.context["edit_window"] = edit_window()  # type: ignore[index]
        return log_is_editable(
            log=log, user=self.context["request"].user, window=self.context["edit_window"]
        )


class DeliverableDocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DeliverableDocument
        fields = ["id", "file_name", "file_kind", "file_size", "uploaded_at", "download_url"]

    def get_download_url(self, document: DeliverableDocument) -> str:
        return reverse("coaching:document", args=[document.pk])


class DeliverableSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(),
        required=False,
        help_text="Staff name the jurisdiction; a contact's deliverables are always their own.",
    )
    documents = DeliverableDocumentSerializer(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Deliverable
        fields = [
            "id", "jurisdiction", "workstream", "title", "description", "due_on", "status",
            "owner", "completed_on", "documents", "overdue", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["completed_on", "updated_at"]

    def get_overdue(self, deliverable: Deliverable) -> bool:
        from jurisdictions.dates import local_today

        return deliverable.status != Deliverable.Status.DONE and deliverable.due_on < local_today(
            deliverable.jurisdiction
        )
