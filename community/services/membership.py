"""Joining the community of practice."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from community.models import ApprovedDomain, Membership
from gpl_cohort.outbox.services import email_queue, email_render
from jurisdictions.models import Jurisdiction

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User


class MembershipError(ValueError):
    pass


def email_is_government(*, email: str, jurisdiction: Jurisdiction | None) -> bool:
    """A .gov or .us address, or a domain staff approved for this jurisdiction."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    if domain.endswith((".gov", ".us")):
        return True
    if jurisdiction is None or jurisdiction.pk is None:
        return False
    approved = ApprovedDomain.objects.filter(jurisdiction=jurisdiction).values_list(
        "domain", flat=True
    )
    return any(domain == d.lower() or domain.endswith("." + d.lower()) for d in approved)


def _staff_emails() -> list[str]:
    user_model = get_user_model()
    return list(
        user_model.objects.filter(is_staff=True, is_active=True).values_list("email", flat=True)
    )


@transaction.atomic
def membership_register(
    *,
    full_name: str,
    email: str,
    password: str,
    jurisdiction: Jurisdiction | None,
    new_jurisdiction: dict[str, Any] | None = None,
    agency: str,
    role: str,
    time_zone: str,
) -> Membership:
    """Create the person's account and membership: approved at once on a government domain."""
    user_model = get_user_model()
    email = email.strip().lower()
    if user_model.objects.filter(email__iexact=email).exists():
        raise MembershipError(
            "An account with this email address exists: log in, or reset your password."
        )
    if jurisdiction is None:
        if not new_jurisdiction:
            raise MembershipError("Choose your jurisdiction or enter a new one.")
        jurisdiction = Jurisdiction.objects.filter(
            name__iexact=new_jurisdiction["name"].strip(),
            state=new_jurisdiction["state"],
            kind=new_jurisdiction["kind"],
        ).first() or Jurisdiction.objects.create(
            name=new_jurisdiction["name"].strip(),
            state=new_jurisdiction["state"],
            kind=new_jurisdiction["kind"],
            time_zone=time_zone,
        )
    approved = email_is_government(email=email, jurisdiction=jurisdiction)
    user = user_model.objects.create_user(
        email=email, password=password, full_name=full_name.strip(), time_zone=time_zone
    )
    membership = Membership.objects.create(
        user=user,
        jurisdiction=jurisdiction,
        agency=agency.strip(),
        role=role.strip(),
        status=Membership.Status.APPROVED if approved else Membership.Status.PENDING,
        source=Membership.Source.SELF,
        decided_at=timezone.now() if approved else None,
    )
    context = {"user": user, "membership": membership, "jurisdiction": jurisdiction}
    template = "community/email/member_welcome" if approved else "community/email/member_pending"
    rendered = email_render(template=template, context=context)
    email_queue(
        message_key=f"community-join:{membership.pk}",
        recipients=[email],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )
    if not approved:
        rendered = email_render(template="community/email/staff_member_pending", context=context)
        email_queue(
            message_key=f"community-join-review:{membership.pk}",
            recipients=_staff_emails(),
            subject=rendered.subject,
            text=rendered.text,
        )
    return membership


@transaction.atomic
def membership_decide(*, membership: Membership, approve: bool) -> Membership:
    """Staff approve or decline a pending membership; the person hears about it once."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    target = Membership.Status.APPROVED if approve else Membership.Status.DECLINED
    if membership.status == target:
        return membership
    membership.status = target
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    template = "community/email/member_welcome" if approve else "community/email/member_declined"
    rendered = email_render(
        template=template,
        context={"user": membership.user, "membership": membership},
    )
    email_queue(
        message_key=f"community-decision:{membership.pk}:{target}",
        recipients=[membership.user.email],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )
    return membership


def membership_invite_not_selected_applicants(application: Any, by: Any) -> None:
    """The applications workflow's effect `invite_to_community_of_practice` (registered in
    community/apps.py): every contact of a declined or not-selected application is invited."""
    for contact in application.contacts.select_related("user"):
        membership_add_not_selected_applicant(
            user=contact.user, jurisdiction=application.jurisdiction
        )


@transaction.atomic
def membership_add_not_selected_applicant(*, user: User, jurisdiction: Jurisdiction) -> Membership:
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
