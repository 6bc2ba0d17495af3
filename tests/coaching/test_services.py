import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from coaching import services
from coaching.models import CoachingLog, CoachingSettings, Workstream
from tests.coaching.factories import CoachingLogFactory

pytestmark = pytest.mark.django_db

K = CoachingLog.Kind
NOW = dt.datetime(2021, 10, 15, 16, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _log(author, jurisdiction, **kwargs):
    values = {
        "jurisdiction": jurisdiction,
        "author": author,
        "date": dt.date(2021, 10, 12),
        "duration_minutes": 60,
        "kind": K.ONE_ON_ONE,
        "workstream": Workstream.CALL_ANALYSIS,
    }
    values.update(kwargs)
    return services.coaching_log_create(**values)


def test_a_contact_logs_coaching_for_their_jurisdiction(contact_a, jurisdiction_a, staff_user):
    log = _log(contact_a, jurisdiction_a, staff_member=staff_user, notes=" call types ")
    assert log.side == CoachingLog.Side.JURISDICTION
    assert log.week_start == dt.date(2021, 10, 11)
    assert log.notes == "call types"


def test_a_contact_cannot_log_for_another_jurisdiction(contact_a, jurisdiction_b):
    with pytest.raises(PermissionDenied):
        _log(contact_a, jurisdiction_b)


def test_durations_come_in_15_minute_steps(contact_a, jurisdiction_a):
    with pytest.raises(ValidationError, match="15-minute steps"):
        _log(contact_a, jurisdiction_a, duration_minutes=50)


def test_work_cannot_be_logged_in_the_future(contact_a, jurisdiction_a):
    with pytest.raises(ValidationError, match="future"):
        _log(contact_a, jurisdiction_a, date=dt.date(2021, 10, 16))


def test_a_staff_members_side_of_a_1_1_is_paired_and_not_double_counted(
    contact_a, jurisdiction_a, staff_user
):
    contact_entry = _log(contact_a, jurisdiction_a, staff_member=staff_user)
    staff_entry = _log(staff_user, jurisdiction_a, duration_minutes=75)
    assert staff_entry.side == CoachingLog.Side.PROGRAM
    assert staff_entry.staff_member == staff_user
    assert staff_entry.pairs_with == contact_entry
    counted = CoachingLog.objects.counted().filter(jurisdiction=jurisdiction_a)
    assert list(counted) == [contact_entry]


def test_a_staff_entry_logged_first_is_paired_when_the_contact_logs_the_meeting(
    contact_a, jurisdiction_a, staff_user
):
    staff_entry = _log(staff_user, jurisdiction_a)
    assert staff_entry.pairs_with is None
    contact_entry = _log(contact_a, jurisdiction_a, staff_member=staff_user)
    staff_entry.refresh_from_db()
    assert staff_entry.pairs_with == contact_entry


def test_deleting_the_contacts_entry_makes_the_staff_side_count_again(
    contact_a, jurisdiction_a, staff_user
):
    contact_entry = _log(contact_a, jurisdiction_a, staff_member=staff_user)
    staff_entry = _log(staff_user, jurisdiction_a)
    services.coaching_log_delete(log=contact_entry, by=contact_a)
    staff_entry.refresh_from_db()
    assert staff_entry.pairs_with is None


def test_moving_the_contacts_entry_to_another_day_unpairs_the_staff_side(
    contact_a, jurisdiction_a, staff_user
):
    contact_entry = _log(contact_a, jurisdiction_a, staff_member=staff_user)
    staff_entry = _log(staff_user, jurisdiction_a)
    services.coaching_log_update(log=contact_entry, by=contact_a, date=dt.date(2021, 10, 13))
    staff_entry.refresh_from_db()
    assert staff_entry.pairs_with is None


def test_group_calls_are_never_paired(contact_a, jurisdiction_a, staff_user):
    _log(contact_a, jurisdiction_a, staff_member=staff_user, kind=K.GROUP_CALL)
    staff_entry = _log(staff_user, jurisdiction_a, kind=K.GROUP_CALL)
    assert staff_entry.pairs_with is None


def test_only_the_author_may_edit_an_entry(contact_a, jurisdiction_a, staff_user):
    log = _log(contact_a, jurisdiction_a)
    with pytest.raises(PermissionDenied):
        services.coaching_log_update(log=log, by=staff_user, notes="changed")


def test_an_entry_locks_after_the_staff_configured_window(contact_a, jurisdiction_a):
    CoachingSettings.objects.update_or_create(pk=1, defaults={"edit_window_days": 3})
    log = _log(contact_a, jurisdiction_a)
    with time_machine.travel(NOW + dt.timedelta(days=2, hours=23), tick=False):
        services.coaching_log_update(log=log, by=contact_a, notes="still open")
    with time_machine.travel(NOW + dt.timedelta(days=3, minutes=1), tick=False):
        assert services.log_is_editable(log=log, user=contact_a) is False
        with pytest.raises(PermissionDenied):
            services.coaching_log_update(log=log, by=contact_a, notes="too late")
        with pytest.raises(PermissionDenied):
            services.coaching_log_delete(log=log, by=contact_a)


def test_a_page_of_entries_says_which_the_person_may_still_edit(
    contact_a, jurisdiction_a, staff_user, django_assert_max_num_queries
):
    mine, theirs = _log(contact_a, jurisdiction_a), _log(staff_user, jurisdiction_a)
    CoachingSettings.load()
    with django_assert_max_num_queries(1):  # the edit window is read once for the page
        marked = services.logs_with_editable(logs=[mine, theirs], user=contact_a)
    assert marked == [(mine, True), (theirs, False)]


def test_bulk_created_logs_get_their_week(jurisdiction_a):
    log = CoachingLogFactory.build(jurisdiction=jurisdiction_a, date=dt.date(2021, 11, 7))
    log.author = CoachingLogFactory(jurisdiction=jurisdiction_a).author
    CoachingLog.objects.bulk_create([log])
    assert CoachingLog.objects.get(pk=log.pk).week_start == dt.date(2021, 11, 1)


def test_a_deliverable_is_updated_by_staff_and_the_contact_but_no_one_else(
    contact_a, contact_b, staff_user, jurisdiction_a
):
    deliverable = services.deliverable_create(
        jurisdiction=jurisdiction_a,
        workstream=Workstream.RFP,
        title="RFP draft",
        due_on=dt.date(2021, 12, 1),
        by=staff_user,
        owner=contact_a,
    )
    services.deliverable_update(deliverable=deliverable, by=contact_a, status="in_review")
    services.deliverable_update(deliverable=deliverable, by=staff_user, status="done")
    assert deliverable.completed_on == dt.date(2021, 10, 15)
    with pytest.raises(PermissionDenied):
        services.deliverable_update(deliverable=deliverable, by=contact_b, status="in_progress")
    with pytest.raises(ValidationError, match="neither program staff"):
        services.deliverable_update(deliverable=deliverable, by=staff_user, owner=contact_b)


def _entry(day, minutes=60, **kwargs):
    values = {"date": dt.date(2021, 10, day), "duration_minutes": minutes,
              "kind": K.ONE_ON_ONE, "workstream": Workstream.RFP}  # fmt: skip
    values.update(kwargs)
    return services.WeekEntry(**values)


def test_a_week_is_saved_as_one_entry_per_row(contact_a, jurisdiction_a):
    logs = services.coaching_week_save(
        jurisdiction=jurisdiction_a,
        author=contact_a,
        entries=[_entry(11, notes=" CAD "), _entry(13, 90)],
    )
    assert [(log.date.day, log.duration_minutes, log.notes) for log in logs] == [
        (11, 60, "CAD"),
        (13, 90, ""),
    ]
    assert CoachingLog.objects.count() == 2


def test_a_refused_row_saves_none_of_the_week_and_names_the_row(contact_a, jurisdiction_a):
    with pytest.raises(services.WeekRowError) as caught:
        services.coaching_week_save(
            jurisdiction=jurisdiction_a,
            author=contact_a,
            entries=[_entry(11), _entry(12), _entry(13, 20)],
        )
    assert caught.value.row == 2
    assert "15-minute" in " ".join(caught.value.error.messages)
    assert not CoachingLog.objects.exists()


def test_an_empty_week_is_refused(contact_a, jurisdiction_a):
    with pytest.raises(ValidationError, match="Nothing to save"):
        services.coaching_week_save(jurisdiction=jurisdiction_a, author=contact_a, entries=[])
