import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Review, ReviewScore
from applications.services import criteria_seed
from jurisdictions.models import Jurisdiction
from tests.accounts.factories import StaffFactory
from tests.applications.factories import CompleteApplicationFactory
from tests.cohorts.factories import CohortFactory

pytestmark = pytest.mark.django_db
S = Application.Status
CHANGELIST = "/admin/applications/application/"


def _bulk(n_applications: int, reviews_each: int, prefix: str = "Town") -> list[Application]:
    """Many applications and reviews, made with bulk_create to keep the test fast."""
    cohort = CohortFactory()
    criteria = criteria_seed(cohort=cohort)
    reviewers = [StaffFactory() for _ in range(reviews_each)]
    jurisdictions = Jurisdiction.objects.bulk_create(
        Jurisdiction(name=f"{prefix} {i}", kind="city", state="NC", population=1000 + i)
        for i in range(n_applications)
    )
    applications = Application.objects.bulk_create(
        Application(
            cohort=cohort,
            jurisdiction=j,
            status=S.ROUND1_REVIEW,
            stage="planning",
            applying_office="dispatch",
        )
        for j in jurisdictions
    )
    now = timezone.now()
    reviews = Review.objects.bulk_create(
        Review(application=a, reviewer=r, submitted_at=now) for a in applications for r in reviewers
    )
    ReviewScore.objects.bulk_create(
        ReviewScore(review=rv, criterion=c, score=1 + (rv.pk + c.pk) % 5)
        for rv in reviews
        for c in criteria
    )
    return applications


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_changelist_of_2000_applications_and_6000_reviews_takes_constant_queries(
    staff_client, django_assert_max_num_queries
):
    _bulk(5, 3)
    small = _queries(staff_client, CHANGELIST)
    _bulk(2000, 3, prefix="City")
    assert Review.objects.count() == 6015
    with django_assert_max_num_queries(small):
        response = staff_client.get(CHANGELIST + "?status__exact=round1_review&o=5")
    page = response.content.decode()
    assert "2005 applications" in page or "2,005 applications" in page
    with django_assert_max_num_queries(small):
        staff_client.get(CHANGELIST + "?q=City+1&launch=unknown")


def test_the_mean_score_is_weighted_and_counts_only_submitted_reviews(staff_user):
    from applications.selectors import with_review_stats
    from tests.applications.factories import ReviewFactory

    application = CompleteApplicationFactory(status=S.ROUND1_REVIEW)
    first, second, *_ = criteria_seed(cohort=application.cohort)
    first.weight = 3
    first.save()
    review = ReviewFactory(application=application)
    review.scores.create(criterion=first, score=5)
    review.scores.create(criterion=second, score=1)
    draft = ReviewFactory(application=application, submitted_at=None)
    draft.scores.create(criterion=first, score=1)
    ReviewFactory(application=application, conflict_of_interest=True)
    row = with_review_stats(Application.objects.filter(pk=application.pk)).get()
    assert row.mean_score == pytest.approx((5 * 3 + 1 * 1) / 4)
    assert row.review_count == 1
    assert row.has_conflict


def test_the_csv_export_streams_the_filtered_list(staff_client):
    _bulk(3, 1)
    CompleteApplicationFactory(status=S.SUBMITTED, jurisdiction__name="Elsewhere")
    response = staff_client.get(
        reverse("admin:applications_application_export") + "?status__exact=round1_review"
    )
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Jurisdiction", "State", "Population"]
    assert sorted(r[0] for r in rows[1:]) == ["Town 0", "Town 1", "Town 2"]


def test_the_csv_export_is_for_staff_only(contact_a_client):
    response = contact_a_client.get(reverse("admin:applications_application_export"))
    assert response.status_code == 302


def test_bulk_actions_go_through_the_transitions_and_report_refusals(staff_client):
    submitted = CompleteApplicationFactory(status=S.SUBMITTED)
    draft = CompleteApplicationFactory(status=S.DRAFT)
    response = staff_client.post(
        CHANGELIST,
        {"action": "move_to_round1_review", "_selected_action": [submitted.pk, draft.pk]},
        follow=True,
    )
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert submitted.status == S.ROUND1_REVIEW and draft.status == S.DRAFT
    page = response.content.decode()
    assert "1 application(s)" in page and "cannot move to" in page
    assert submitted.transitions.get().comment == "Bulk action in the admin"


def test_the_launch_window_filter(staff_client):
    import datetime as dt

    cohort = CohortFactory(starts_on=dt.date(2031, 1, 1))
    inside = CompleteApplicationFactory(cohort=cohort, anticipated_launch_on=dt.date(2031, 8, 1))
    CompleteApplicationFactory(cohort=cohort, anticipated_launch_on=dt.date(2031, 2, 1))
    page = staff_client.get(CHANGELIST + "?launch=within").content.decode()
    assert inside.jurisdiction.name in page and "1 application" in page


def test_a_cohort_created_in_the_admin_gets_the_published_rubric(staff_client):
    from cohorts.models import Cohort

    data = {
        "name": "2040–2041 Implementation Cohort", "slug": "2040-2041",
        "opens_at_0": "2040-01-01", "opens_at_1": "09:00", "closes_at_0": "2040-03-01",
        "closes_at_1": "23:59", "time_zone": "America/New_York", "starts_on": "2040-09-01",
        "length_months": "12", "seats": "5",
        "questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0",
        "criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = staff_client.post("/admin/cohorts/cohort/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cohort = Cohort.objects.get(slug="2040-2041")
    assert cohort.criteria.count() == 4


@pytest.mark.parametrize(
    "model",
    [
        "application", "applicationtransition", "review", "emailtemplate",
        "interview", "referencecheck", "applicationcontact", "applicationdocument",
    ],
)  # fmt: skip
def test_every_admin_page_of_the_app_renders_for_staff(staff_client, model):
    application = CompleteApplicationFactory()
    assert staff_client.get(f"/admin/applications/{model}/").status_code == 200
    if model == "application":
        url = f"/admin/applications/application/{application.pk}/change/"
        assert staff_client.get(url).status_code == 200
    elif model != "applicationtransition":
        assert staff_client.get(f"/admin/applications/{model}/add/").status_code == 200
