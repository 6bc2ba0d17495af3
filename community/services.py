"""Writes for the community of practice."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from community.models import Membership
from gpl_cohort.outbox.services import email_queue, email_render


@transaction.atomic
def membership_add_not_selected_applicant(*, user: Any, jurisdiction: Any) -> Membership:
    """Invite a cohort applicant who was not selected into the community of practice.

    Safe to run twice: one membership per person and one invitation email (the outbox's
    message key is per person), whatever stage the application stopped at.
    """
    membership, created = Membership.objects.get_or_create(
        user=user,
        defaults={
            "jurisdiction": jurisdiction,
            "status": Membership.Status.APPROVED,
            "source": Membership.Source.NOT_SELECTED_APPLICANT,
        },
    )
    if not created and membership.status in (Membership.Status.PENDING, Membership.Status.LEFT):
        membership.status = Membership.Status.APPROVED
        membership.save(update_fields=["status"])
    rendered = email_render(
        template="community/email/not_selected_invitation",
        context={"user": user, "jurisdiction": jurisdiction},
    )
    email_queue(
        message_key=f"community-invitation:{user.pk}",
        recipients=[user.email],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )
    return membership
