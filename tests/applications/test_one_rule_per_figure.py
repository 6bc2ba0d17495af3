"""The same figure reads the same everywhere: mean scores, populations, the timeline's order."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationTransition, ReviewScore
from applications.scores import score_display
from tests.applications.factories import ApplicationFactory, ReviewCriterionFactory, ReviewFactory
from tests.cohorts.factories import CohortFactory
from tests.jurisdictions.factories import JurisdictionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "shown"),
    [(3.125, "3.13"), (3.124, "3.12"), (2.675, "2.68"), (4.0, "4.00"), (None, "—")],
)
def test_a_mean_score_rounds_halves_up_to_two_decimals(value, shown):
    assert score_display(value) == shown


def test_the_admin_and_the_reviews_page_print_the_same_mean_score(staff_user, staff_client):
    application = ApplicationFactory(status="round1_review")
    criteria = [ReviewCriterionFactory(cohort=application.cohort) for _ in range(4)]
    for reviewer, scores in ((staff_user, [3, 3, 3, 4]), (None, [3, 3, 3, 3])):
        review = ReviewFactory(
            application=application, **({"reviewer": reviewer} if reviewer else {})
        )
        for criterion, score in zip(criteria, scores, strict=True):
            ReviewScore.objects.create(review=review, criterion=criterion, score=score)
    admin_page = staff_client.get(reverse("admin:applications_application_changelist"))
    reviews_page = staff_client.get(reverse("applications:review_queue"))
    assert "3.13" in admin_page.content.decode()
    assert "3.13" in reviews_page.content.decode()
    assert "3.12" not in admin_page.content.decode() + reviews_page.content.decode()


def test_the_admin_list_shows_population_with_separators_and_the_cohort(staff_client):
    durham = JurisdictionFactory(name="Durham", population=283_500)
    unknown = JurisdictionFactory(name="Smallville", population=None)
    old = CohortFactory(name="2021–2022 Implementation Cohort")
    new = CohortFactory(name="2027–2028 Implementation Cohort")
    ApplicationFactory(jurisdiction=durham, cohort=old)
    ApplicationFactory(jurisdiction=durham, cohort=new)
    ApplicationFactory(jurisdiction=unknown, cohort=new)
    page = staff_client.get(reverse("admin:applications_application_changelist")).content.decode()
    assert page.count("283,500") == 2
    assert "283500" not in page
    assert "not given" in page
    assert "2021–2022 Implementation Cohort</td>" in page
    assert "2027–2028 Implementation Cohort</td>" in page


def test_the_timeline_lists_events_oldest_first_even_when_the_start_is_later(staff_client):
    application = ApplicationFactory(status="submitted")
    ApplicationTransition.objects.create(
        application=application,
        from_status="draft",
        to_status="submitted",
        actor="staff",
    )
    ApplicationTransition.objects.filter(application=application).update(
        created_at=timezone.now() - dt.timedelta(days=900)
    )
    page = staff_client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    assert timeline.index("Submitted</strong>") < timeline.index("— started")
