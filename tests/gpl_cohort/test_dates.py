import datetime as dt

import pytest

from gpl_cohort.dates import add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),  # clamped to the month's last day
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),  # a leap year
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),  # across the new year
        (dt.date(2026, 9, 1), 12, dt.date(2027, 9, 1)),  # a cohort's twelve months
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),  # and back
        (dt.date(2026, 1, 10), -1, dt.date(2025, 12, 10)),
    ],
)
def test_add_months_keeps_the_day_or_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected
