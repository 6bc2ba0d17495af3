"""A jurisdiction's own day: "today", and whether a date is still ahead, where it is.

The program's staff, the machine and the jurisdictions are in different time zones; from
00:00 to about 07:00 UTC the western jurisdictions are still on the machine's yesterday. Every
"today" of a coaching week, a due date or a dated document is the jurisdiction's.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

from django.utils import timezone


class HasTimeZone(Protocol):
    time_zone: str


def local_today(jurisdiction: HasTimeZone, *, now: dt.datetime | None = None) -> dt.date:
    """Today's date where the jurisdiction is (weeks and "today" follow its clock)."""
    return (now or timezone.now()).astimezone(ZoneInfo(jurisdiction.time_zone)).date()
