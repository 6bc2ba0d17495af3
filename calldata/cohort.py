"""The cohort side by side: every jurisdiction of a cohort on the same figures.

Reads every jurisdiction's newest analysis from its Parquet in one scan (engine/cohort.py): the
call mix, volume, hour-of-week peak and the calls one preset would take, evaluated by the
scenario engine's own rule on each jurisdiction's priority scale. Who is named depends on the
viewer: staff see everyone; a cohort member sees itself and the members that agreed to share by
name, the others as letters."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from calldata import selectors
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


def cohorts_visible_to(user: RequestUser) -> QuerySet:
    """Cohorts whose comparison the person may open: all for staff, a contact's own."""
    roles = roles_of(user)
    cohorts = Cohort.objects.order_by("-opens_at", "name")
    if roles.is_staff:
        return cohorts
    if roles.jurisdiction_id is not None:  # a contact
        return cohorts.filter(memberships__jurisdiction_id=roles.jurisdiction_id).distinct()
    return cohorts.none()


def shown(row: Row, categories: list[str]) -> dict:
    """A row's values as the person may see them, None where hidden or unknown: what the CSV
    and the API give (a letter keeps its rates and shares, not its counts or dates)."""
    return {
        "jurisdiction": row.label,
        "jurisdiction_id": row.jurisdiction_id,
        "named": row.named,
        "is_viewer": row.is_viewer,
        "has_data": row.has_data,
        "population": row.population,
        "calls": row.calls if row.named and row.has_data else None,
        "first_day": row.first_day or None,
        "last_day": row.last_day or None,
        "calls_per_1000_per_year": row.per_1000,
        "eligible_share": row.eligible_share,
        "busiest_hour": row.peak or None,
        "mix": dict(zip(categories, row.mix_in_order, strict=True)) if row.has_data else None,
    }


def _peak(hour_of_week: Any) -> tuple[str, int]:
    """The busiest hour of the week (the first of equals) and its calls."""
    counts = list(hour_of_week)
    best = max(counts, default=0)
    if best <= 0:
        return "", 0
    day, hour = divmod(counts.index(best), 24)
    return f"{DAYS[day]} {hour:02d}:00–{(hour + 1) % 24:02d}:00", int(best)


def _fill(row: Row, figures: Any) -> None:
    if figures is None or not figures.calls:
        return
    row.has_data = True
    row.calls, row.days = figures.calls, figures.days
    row.first_day, row.last_day = figures.first_day.isoformat(), figures.last_day.isoformat()
    by_category = sorted(figures.by_category.items(), key=lambda kv: -kv[1])
    row.mix = {category: round(count / row.calls, 4) for category, count in by_category}
    row.eligible_calls, row.eligible_share = figures.eligible, figures.eligible_share
    if row.population and row.days:
        per_year = row.calls * 365.25 / row.days
        row.per_1000 = round(per_year / row.population * 1000, 1)
    row.peak, row.peak_calls = _peak(figures.hour_of_week)


def comparison(*, user: RequestUser, cohort: Cohort, preset_key: str) -> dict:
    """The side-by-side rows of a cohort as `user` may see them."""
    roles = roles_of(user)
    preset = presets()[preset_key]
    memberships = list(
        CohortMembership.objects.filter(cohort=cohort).select_related("jurisdiction").order_by("pk")
    )
    datasets = selectors.latest_datasets([m.jurisdiction_id for m in memberships])
    figures = selectors.cohort_figures(list(datasets.values()), preset)
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
        _fill(row, figures.get(jurisdiction.pk))
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
