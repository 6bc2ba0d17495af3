from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast

from applications.models import (
    Application,
    ApplicationContact,
    ApplicationTransition,
    Review,
    ReviewScore,
)
from gpl_cohort.accounts.roles import roles_of

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from gpl_cohort.accounts.models import User
    from gpl_cohort.accounts.roles import RequestUser

    class ReviewStats(TypedDict):
        mean_score: float | None
        review_count: int | None
        has_conflict: bool

    # An application read through with_review_stats (django-stubs' annotated-model type).
    ReviewedApplication: TypeAlias = WithAnnotations[Application, ReviewStats]


def applications_visible_to(user: RequestUser) -> QuerySet[Application]:
    """Staff see every application; an applicant sees the ones they are a contact of."""
    roles = roles_of(user)
    qs = Application.objects.select_related("cohort", "jurisdiction")
    if roles.is_staff:
        return qs
    if roles.is_authenticated:
        return qs.filter(contacts__user=user.pk)
    return qs.none()


def with_review_stats(qs: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate the weighted mean score, the number of submitted reviews and a conflict flag.

    Correlated subqueries (not joins) so that each row costs the same whatever the page size,
    and the annotations sort and filter in the database.
    """
    scores = (
        ReviewScore.objects.filter(
            review__application=OuterRef("pk"), review__submitted_at__isnull=False
        )
        .order_by()
        .values("review__application")
    )
    weighted = scores.annotate(
        total=Sum(
            ExpressionWrapper(
                F("score") * F("criterion__weight"),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )
    ).values("total")
    weights = scores.annotate(total=Sum("criterion__weight")).values("total")
    review_count = (
        Review.objects.filter(
            application=OuterRef("pk"),
            submitted_at__isnull=False,
            conflict_of_interest=False,
        )
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        weighted_total=Subquery(weighted, output_field=FloatField()),
        weight_total=Subquery(weights, output_field=FloatField()),
        review_count=Subquery(review_count),
        has_conflict=Exists(
            Review.objects.filter(application=OuterRef("pk"), conflict_of_interest=True)
        ),
    ).annotate(
        mean_score=ExpressionWrapper(
            Cast(F("weighted_total"), FloatField()) / F("weight_total"),
            output_field=FloatField(),
        )
    )


def application_timeline(
    application: Application,
) -> list[tuple[dt.datetime, ApplicationTransition | None]]:
    """The application's events, oldest first: its start (None) and every transition.

    Sorted together, by date: an application imported or copied after its first transitions
    were recorded has a start later than some of them.
    """
    transitions = application.transitions.select_related("by").order_by("created_at", "pk")
    events: list[tuple[dt.datetime, ApplicationTransition | None]] = [
        (t.created_at, t) for t in transitions
    ]
    events.append((application.created_at, None))
    # On a tie the start comes first.
    return sorted(events, key=lambda event: (event[0], event[1] is not None))


def reviews_visible_to(user: RequestUser) -> QuerySet[Review]:
    """A reviewer's own reviews, and others' only on applications they have reviewed."""
    if not roles_of(user).is_staff:
        return Review.objects.none()
    reviewed = Review.objects.filter(reviewer=user.pk, submitted_at__isnull=False).values(
        "application"
    )
    return (
        Review.objects.filter(Q(reviewer=user.pk) | Q(application__in=reviewed))
        .select_related("reviewer", "application__jurisdiction")
        .prefetch_related("scores__criterion")
    )


def review_of(application: Application, user: User) -> Review | None:
    return (
        Review.objects.filter(application=application, reviewer=user)
        .prefetch_related("scores")
        .first()
    )


def other_reviews(application: Application, user: User) -> QuerySet[Review]:
    """Other reviewers' reviews, only once `user` has submitted their own (blind review)."""
    if not Review.objects.filter(
        application=application, reviewer=user, submitted_at__isnull=False
    ).exists():
        return Review.objects.none()
    return (
        application.reviews.exclude(reviewer=user)
        .filter(submitted_at__isnull=False)
        .select_related("reviewer")
        .prefetch_related("scores__criterion")
    )


def application_counts_by_status() -> list[dict[str, Any]]:
    labels = dict(Application.Status.choices)
    rows = Application.objects.values("status").annotate(n=Count("pk")).order_by("status")
    order = list(labels)
    return sorted(
        (
            {"status": r["status"], "label": labels.get(r["status"], r["status"]), "count": r["n"]}
            for r in rows
        ),
        key=lambda r: order.index(r["status"]) if r["status"] in order else len(order),
    )


def is_applicant(user: User) -> bool:
    return ApplicationContact.objects.filter(user=user).exists()


def is_applicant_expression() -> Exists:
    """`is_applicant` as a query expression over users (OuterRef("pk") is the user)."""
    return Exists(ApplicationContact.objects.filter(user=OuterRef("pk")))


def applications_of_user(user: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(contacts__user=user)
        .select_related("cohort", "jurisdiction")
        .prefetch_related("interviews", "support_letters")
        .order_by("-cohort__starts_on")
    )


def applicant_state(application: Application) -> dict[str, Any]:
    """The status in plain words and what the applicant is asked to do next.

    Uses `interviews` and `support_letters` as prefetched by `applications_of_user`.
    """
    from django.utils import timezone

    from applications import workflow

    state = workflow.STATES[application.status]
    actions: list[str] = []
    upcoming = [i for i in application.interviews.all() if i.starts_at >= timezone.now()]
    if upcoming and application.status in workflow.ROUND2:
        interview = min(upcoming, key=lambda i: i.starts_at)
        local = interview.local_starts_at
        actions.append(
            f"Join your Zoom interview on {local:%B %-d, %Y at %-I:%M %p} ({interview.time_zone}): "
            f"{interview.meeting_url}"
        )
    if application.status in workflow.ROUND2 and not application.mou_confirmed_at:
        actions.append(
            "Confirm that your jurisdiction can sign the MoU (we ask during the interview)."
        )
    if application.status in workflow.LETTERS_OPEN and not list(application.support_letters.all()):
        actions.append("Upload letters of support from your jurisdiction's leadership (PDF).")
    return {
        "label": state.applicant_label,
        "next_step": state.applicant_next_step,
        "actions": actions,
    }
