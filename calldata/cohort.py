"""The cohort side by side: every jurisdiction of a cohort on the same figures.

Reads what the other pages read: each jurisdiction's newest analysis (`Dataset.summary` for the
call mix, volume and hour-of-week peak) and its compact scenario table, evaluated by the same
scenario engine the scenario pages use, with one preset applied to every jurisdiction (on each
one's own priority scale). Who is named depends on the viewer: staff see everyone; a cohort
member sees itself and the members that agreed to share by name, the others as letters."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from calldata import selectors
from calldata.engine import scenario as scenario_engine
from calldata.engine.fields import CATEGORIES
from calldata.engine.presets import presets
from cohorts.models import Cohort, CohortMembership
from gpl_cohort.accounts.roles import roles_of

if TYPE_CHECKING:
    from cohorts.models import Cohort
    from gpl_cohort.accounts.roles import RequestUser

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class Row:
    label: str
    named: bool
    is_viewer: bool
    jurisdiction_id: int | None
    shares: bool
    population: int | None
    has_data: bool = False
    calls: int = 0
    days: int = 0
    first_day: str = ""
    last_day: str = ""
    mix: dict[str, float] = field(default_factory=dict)
    mix_in_order: list[float] = field(default_factory=list)
    eligible_calls: int = 0
    eligible_share: float | None = None
    per_1000: float | None = None
    peak: str = ""
    peak_calls: int = 0


def cohorts_visible_to(user: RequestUser) -> list:
    """Cohorts whose comparison the person may open: all for staff, a contact's own."""
    roles = roles_of(user)
    cohorts = Cohort.objects.order_by("-opens_at", "name")
    if roles.is_staff:
        return list(cohorts)
    if roles.jurisdiction_id is not None:  # a contact
        return list(cohorts.filter(memberships__jurisdiction_id=roles.jurisdiction_id).distinct())
    return []


def _peak(hour_of_week: list[list[int]] | None) -> tuple[str, int]:
    best, where = 0, None
    for day, hours in enumerate(hour_of_week or []):
        for hour, count in enumerate(hours):
            if count > best:
                best, where = count, (day, hour)
    if where is None:
        return "", 0
    day, hour = where
    return f"{DAYS[day]} {hour:02d}:00–{(hour + 1) % 24:02d}:00", best


def _figures(row: Row, jurisdiction_id: int, preset: dict) -> None:
    dataset = selectors.latest_dataset(jurisdiction_id)
    summary = (dataset.summary or {}) if dataset is not None else {}
    if dataset is None or not summary.get("calls"):
        return
    row.has_data = True
    row.calls, row.days = int(summary["calls"]), int(summary.get("days") or 0)
    row.first_day, row.last_day = summary.get("first_day", ""), summary.get("last_day", "")
    row.mix = {
        category: round(count / row.calls, 4)
        for category, count in selectors.volume_by_category(dataset)
    }
    results = scenario_engine.evaluate(
        selectors.calls_for(dataset), selectors.preset_criteria(jurisdiction_id, preset)
    )
    row.eligible_calls, row.eligible_share = results["eligible_calls"], results["share"]
    if row.population and row.days:
        per_year = row.calls * 365.25 / row.days
        row.per_1000 = round(per_year / row.population * 1000, 1)
    row.peak, row.peak_calls = _peak(summary.get("hour_of_week"))


def comparison(*, user: RequestUser, cohort: Cohort, preset_key: str) -> dict:
    """The side-by-side rows of a cohort as `user` may see them."""
    roles = roles_of(user)
    preset = presets()[preset_key]
    memberships = list(
        CohortMembership.objects.filter(cohort=cohort).select_related("jurisdiction").order_by("pk")
    )
    named_rows: list[Row] = []
    letter_rows: list[Row] = []
    for membership in memberships:
        jurisdiction = membership.jurisdiction
        is_viewer = roles.is_contact and jurisdiction.pk == roles.jurisdiction_id
        named = roles.is_staff or is_viewer or jurisdiction.shares_in_cohort_comparison
        row = Row(
            label=jurisdiction.name if named else "",
            named=named,
            is_viewer=is_viewer,
            jurisdiction_id=jurisdiction.pk if named else None,
            shares=jurisdiction.shares_in_cohort_comparison,
            population=jurisdiction.population,
        )
        _figures(row, jurisdiction.pk, preset)
        if not named:
            # Anonymised rows keep their rates but not the absolute figures that would name
            # them (population, call counts, the period of their data).
            row.population, row.calls, row.eligible_calls, row.peak_calls = None, 0, 0, 0
            row.first_day = row.last_day = ""
        (named_rows if named else letter_rows).append(row)
    named_rows.sort(key=lambda r: r.label.lower())
    # Letters follow the order of seats, not names, so a letter says nothing about the name.
    for index, row in enumerate(letter_rows):
        row.label = f"Jurisdiction {_letter(index)}"
    rows = named_rows + letter_rows
    categories = [c for c in CATEGORIES if any(c in r.mix for r in rows)]
    for row in rows:
        row.mix_in_order = [row.mix.get(c, 0.0) for c in categories]
    return {"rows": rows, "categories": categories, "preset": preset}


def _letter(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]
