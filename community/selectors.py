from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from community import caching
from community.models import Membership, NewsletterIssue, Registration, Session, Subscriber
from gpl_cohort.outbox.models import EmailDelivery

if TYPE_CHECKING:
    from gpl_cohort.accounts.roles import RequestUser


def is_practitioner(user: RequestUser) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, status=Membership.Status.APPROVED).exists()


def is_practitioner_expression() -> Exists:
    """`is_practitioner` as a query expression over users (OuterRef("pk") is the user)."""
    approved = Membership.objects.filter(user=OuterRef("pk"), status=Membership.Status.APPROVED)
    return Exists(approved)


def feed_token_expression() -> Subquery:
    """The user's calendar feed token (None without a membership), as a query expression."""
    return Subquery(Membership.objects.filter(user=OuterRef("pk")).values("feed_token")[:1])


RUNNING_FOR = timedelta(hours=3)  # a session may still be running this long after


def _upcoming_from(now: datetime) -> list[Session]:
    """Community sessions from `now` minus RUNNING_FOR on, soonest first, with seats taken: read
    from the cache (community.caching), which holds them from its fill time's cut on."""
    sessions = cache.get(caching.UPCOMING_KEY)
    if sessions is None:
        sessions = list(
            _with_counts(
                Session.objects.filter(
                    kind=Session.Kind.COMMUNITY, starts_at__gte=timezone.now() - RUNNING_FOR
                )
            ).order_by("starts_at")
        )
        cache.set(caching.UPCOMING_KEY, sessions, caching.TIMEOUT_SECONDS)
    return [session for session in sessions if session.starts_at >= now - RUNNING_FOR]


def sessions_upcoming(*, limit: int = 5) -> list[Session]:
    """The next `limit` community sessions not yet started, with their seats taken."""
    now = timezone.now()
    return [s for s in _upcoming_from(now) if s.starts_at >= now][:limit]


def _with_counts(queryset: QuerySet[Session]) -> QuerySet[Session]:
    return queryset.select_related("staff_topic").annotate(
        registered_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)
        ),
        waitlisted_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
        ),
    )


def sessions_for_members() -> list[Session]:
    """Community sessions to list for members, with their seats taken, soonest first, from three
    hours ago on (a session may still be running)."""
    return _upcoming_from(timezone.now())


def sessions_past_for_members() -> QuerySet[Session]:
    """Community sessions that have started, latest first, with their seats taken."""
    sessions = _with_counts(Session.objects.filter(kind=Session.Kind.COMMUNITY))
    return sessions.filter(starts_at__lt=timezone.now()).order_by("-starts_at")


def sessions_all_for_staff() -> QuerySet[Session]:
    return _with_counts(Session.objects.all()).order_by("-starts_at")


def session_detail(*, pk: int) -> Session:
    """One session with its seats taken and presenters, from the cache (community.caching) when
    it holds it. Raises Session.DoesNotExist."""
    key = caching.session_key(pk)
    session = cache.get(key)
    if session is None:
        sessions = _with_counts(Session.objects.prefetch_related("presenters__jurisdiction"))
        session = sessions.get(pk=pk)
        cache.set(key, session, caching.TIMEOUT_SECONDS)
    return session


def webinar_next(*, now: datetime) -> Session | None:
    """The next informational webinar still open for registration (not yet over)."""
    return (
        Session.objects.filter(kind=Session.Kind.WEBINAR, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )


def webinar_public(*, pk: int) -> Session:
    return Session.objects.prefetch_related("presenters").get(pk=pk, kind=Session.Kind.WEBINAR)


def registrations_of(
    *, user: RequestUser, session_ids: list[int] | None = None
) -> dict[int, Registration]:
    """The user's registration per session id (cancelled ones included)."""
    if not user.is_authenticated:
        return {}
    registrations = Registration.objects.filter(email=user.email.lower())
    if session_ids is not None:
        registrations = registrations.filter(session_id__in=session_ids)
    return {r.session_id: r for r in registrations}


def registration_statuses_of(*, user: Any) -> dict[int, str]:
    """The user's registration status per session id (cancelled ones included), from the cache
    (community.caching) when it holds them."""
    if not getattr(user, "is_authenticated", False):
        return {}
    key = caching.statuses_key(user.email)
    statuses = cache.get(key)
    if statuses is None:
        rows = Registration.objects.filter(email=user.email.lower()).values_list(
            "session_id", "status"
        )
        statuses = dict(rows)
        cache.set(key, statuses, caching.TIMEOUT_SECONDS)
    return statuses


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
    return [dict(row) for row in rows]


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
