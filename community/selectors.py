from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from community.models import Membership, NewsletterIssue, Registration, Session, Subscriber
from gpl_cohort.outbox.models import EmailDelivery


def is_practitioner(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, status=Membership.Status.APPROVED).exists()


def sessions_upcoming(*, limit: int = 5) -> QuerySet[Session]:
    return Session.objects.filter(
        kind=Session.Kind.COMMUNITY, starts_at__gte=timezone.now()
    ).order_by("starts_at")[:limit]


def _with_counts(queryset: QuerySet[Session]) -> QuerySet[Session]:
    return queryset.select_related("staff_topic").annotate(
        registered_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)
        ),
        waitlisted_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
        ),
    )


def sessions_for_members(*, past: bool = False, counts: bool = True) -> QuerySet[Session]:
    """Community sessions to list for members: upcoming (soonest first) or past (latest first);
    `counts=False` leaves out the seats taken (community.page_cache keeps them out of its HTML)."""
    now = timezone.now()
    sessions = Session.objects.filter(kind=Session.Kind.COMMUNITY)
    sessions = _with_counts(sessions) if counts else sessions.select_related("staff_topic")
    if past:
        return sessions.filter(starts_at__lt=now).order_by("-starts_at")
    return sessions.filter(starts_at__gte=now - timezone.timedelta(hours=3)).order_by("starts_at")


def sessions_all_for_staff() -> QuerySet[Session]:
    return _with_counts(Session.objects.all()).order_by("-starts_at")


def session_detail(*, pk: int, counts: bool = True) -> Session:
    sessions = Session.objects.prefetch_related("presenters__jurisdiction")
    sessions = _with_counts(sessions) if counts else sessions.select_related("staff_topic")
    return sessions.get(pk=pk)


def webinar_next(*, now: datetime) -> Session | None:
    """The next informational webinar still open for registration (not yet over)."""
    return (
        Session.objects.filter(kind=Session.Kind.WEBINAR, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )


def webinar_public(*, pk: int) -> Session:
    return Session.objects.prefetch_related("presenters").get(pk=pk, kind=Session.Kind.WEBINAR)


def registrations_of(*, user: Any, session_ids: list[int] | None = None) -> dict[int, Registration]:
    """The user's registration per session id (cancelled ones included)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    registrations = Registration.objects.filter(email=user.email.lower())
    if session_ids is not None:
        registrations = registrations.filter(session_id__in=session_ids)
    return {r.session_id: r for r in registrations}


def seats_and_mine(*, user: Any, session_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per session id: seats taken, places on the waitlist and this user's registration status
    ("" when they have none), in one aggregate query.

    Every view of the sessions list and of a session's page asks this; written as SQL it costs a
    sixth of the CPU the ORM spends compiling the same query with filtered Count()s.
    """
    email = user.email.lower() if getattr(user, "is_authenticated", False) else ""
    found: dict[int, dict[str, Any]] = {
        pk: {"registered_count": 0, "waitlisted_count": 0, "mine": ""} for pk in session_ids
    }
    if not session_ids:
        return found
    meta = Registration._meta
    session, status = meta.get_field("session").column, meta.get_field("status").column
    # Table and column names come from the model's metadata, never from input.
    sql = (
        f"SELECT {session},"  # noqa: S608
        f" SUM(CASE WHEN {status} = %s THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN {status} = %s THEN 1 ELSE 0 END),"
        f" MAX(CASE WHEN {meta.get_field('email').column} = %s THEN {status} END)"
        f" FROM {meta.db_table} WHERE {session} IN ({', '.join(['%s'] * len(session_ids))})"
        f" GROUP BY {session}"
    )
    params = [Registration.Status.REGISTERED, Registration.Status.WAITLISTED, email, *session_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, registered, waitlisted, mine in cursor.fetchall():
            found[pk] = {
                "registered_count": int(registered or 0),
                "waitlisted_count": int(waitlisted or 0),
                "mine": mine or "",
            }
    return found


def registration_of(*, user: Any, session: Session) -> Registration | None:
    return registrations_of(user=user, session_ids=[session.pk]).get(session.pk)


def session_registrations(*, session: Session) -> QuerySet[Registration]:
    return session.registrations.select_related("user").order_by("status", "status_changed_at")


def membership_by_feed_token(*, token: str) -> Membership | None:
    return (
        Membership.objects.select_related("user")
        .filter(feed_token=token, status=Membership.Status.APPROVED)
        .first()
    )


def participation_by_jurisdiction() -> list[dict[str, Any]]:
    """Per jurisdiction: members, registrations, attendances, sessions attended (DB aggregates)."""
    registered = Q(
        user__session_registrations__status=Registration.Status.REGISTERED,
        user__session_registrations__session__kind=Session.Kind.COMMUNITY,
    )
    rows = (
        Membership.objects.filter(status=Membership.Status.APPROVED)
        .values("jurisdiction_id", "jurisdiction__name", "jurisdiction__state")
        .annotate(
            members=Count("pk", distinct=True),
            registrations=Count("user__session_registrations", filter=registered),
            attended=Count(
                "user__session_registrations",
                filter=registered & Q(user__session_registrations__attended=True),
            ),
        )
        .order_by("-attended", "-registrations", "jurisdiction__name")
    )
    return list(rows)


def subscribers_for_staff(*, status: str = "") -> QuerySet[Subscriber]:
    subscribers = Subscriber.objects.order_by("email")
    if status:
        subscribers = subscribers.filter(status=status)
    return subscribers


def subscriber_counts() -> dict[str, int]:
    counts = dict(
        Subscriber.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Subscriber.Status.values}


def issue_progress(*, issue: NewsletterIssue) -> dict[str, Any]:
    counts = dict(
        EmailDelivery.objects.filter(message_key=issue.message_key)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    sent = counts.get(EmailDelivery.Status.SENT, 0)
    failed = counts.get(EmailDelivery.Status.FAILED, 0)
    suppressed = counts.get(EmailDelivery.Status.SUPPRESSED, 0)
    queued = counts.get(EmailDelivery.Status.QUEUED, 0)
    total = max(
        issue.recipient_count,
        sent + failed + suppressed + queued,
        Subscriber.objects.filter(status=Subscriber.Status.SUBSCRIBED).count()
        if issue.fanned_out_at is None and issue.status == NewsletterIssue.Status.SENDING
        else 0,
    )
    done = issue.status == NewsletterIssue.Status.SENT or (
        issue.fanned_out_at is not None and queued == 0
    )
    return {
        "status": NewsletterIssue.Status.SENT if done else issue.status,
        "status_label": NewsletterIssue.Status.SENT.label if done else issue.get_status_display(),
        "total": total,
        "sent": sent,
        "failed": failed,
        "suppressed": suppressed,
        "remaining": max(total - sent - failed - suppressed, 0),
        "done": done,
    }
