"""Demo jurisdictions: the inaugural cohort's five and a community of practice of 60+."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from jurisdictions.models import Jurisdiction, ResponseTeam

K = Jurisdiction.Kind

# (name, state, kind, population (2020 census, rounded), time zone)
INAUGURAL_COHORT = [
    ("Durham", "NC", K.CITY, 283_500, "America/New_York"),
    ("Harris County", "TX", K.COUNTY, 4_731_100, "America/Chicago"),
    ("Long Beach", "CA", K.CITY, 466_700, "America/Los_Angeles"),
    ("Philadelphia", "PA", K.CITY_COUNTY, 1_603_800, "America/New_York"),
    ("Phoenix", "AZ", K.CITY, 1_608_100, "America/Phoenix"),
]

# Three of the five launched teams directly from their 911 call centers.
TEAMS = {
    "Durham": ("Community Safety HEART", ResponseTeam.Status.LAUNCHED, "911", dt.date(2022, 6, 1),
               ["Mental health clinicians", "Peer support specialists", "EMTs"]),
    "Harris County": ("Holistic Assistance Response Team", ResponseTeam.Status.LAUNCHED, "911",
                      dt.date(2022, 10, 1), ["Social workers", "Paramedics"]),
    "Phoenix": ("Community Assistance Program crisis teams", ResponseTeam.Status.LAUNCHED, "911",
                dt.date(2022, 3, 1), ["Behavioral health specialists", "EMTs"]),
    "Long Beach": ("Alternative Crisis Response", ResponseTeam.Status.PILOTING, "other", None,
                   ["Mental health clinicians", "Community health workers"]),
    "Philadelphia": ("Behavioral Health Response Team", ResponseTeam.Status.PLANNING, "911", None,
                     ["Social workers", "Peer support specialists"]),
}  # fmt: skip

# Governments in the community of practice (more than 60, as the program describes).
COMMUNITY_OF_PRACTICE = [
    ("Albuquerque", "NM", K.CITY, "America/Denver"),
    ("Austin", "TX", K.CITY, "America/Chicago"),
    ("Baltimore", "MD", K.CITY, "America/New_York"),
    ("Boston", "MA", K.CITY, "America/New_York"),
    ("Boulder", "CO", K.CITY, "America/Denver"),
    ("Burlington", "VT", K.CITY, "America/New_York"),
    ("Cambridge", "MA", K.CITY, "America/New_York"),
    ("Chicago", "IL", K.CITY, "America/Chicago"),
    ("Chittenden County", "VT", K.COUNTY, "America/New_York"),
    ("Cincinnati", "OH", K.CITY, "America/New_York"),
    ("Cleveland", "OH", K.CITY, "America/New_York"),
    ("Columbus", "OH", K.CITY, "America/New_York"),
    ("Dallas", "TX", K.CITY, "America/Chicago"),
    ("Dayton", "OH", K.CITY, "America/New_York"),
    ("Denver", "CO", K.CITY_COUNTY, "America/Denver"),
    ("Des Moines", "IA", K.CITY, "America/Chicago"),
    ("Detroit", "MI", K.CITY, "America/Detroit"),
    ("Eugene", "OR", K.CITY, "America/Los_Angeles"),
    ("Fairfax County", "VA", K.COUNTY, "America/New_York"),
    ("Grand Rapids", "MI", K.CITY, "America/Detroit"),
    ("Hennepin County", "MN", K.COUNTY, "America/Chicago"),
    ("Houston", "TX", K.CITY, "America/Chicago"),
    ("Indianapolis", "IN", K.CITY_COUNTY, "America/Indiana/Indianapolis"),
    ("Ithaca", "NY", K.CITY, "America/New_York"),
    ("Jackson", "MS", K.CITY, "America/Chicago"),
    ("Kansas City", "MO", K.CITY, "America/Chicago"),
    ("King County", "WA", K.COUNTY, "America/Los_Angeles"),
    ("Knoxville", "TN", K.CITY, "America/New_York"),
    ("Las Cruces", "NM", K.CITY, "America/Denver"),
    ("Los Angeles County", "CA", K.COUNTY, "America/Los_Angeles"),
    ("Louisville", "KY", K.CITY_COUNTY, "America/Kentucky/Louisville"),
    ("Madison", "WI", K.CITY, "America/Chicago"),
    ("Mecklenburg County", "NC", K.COUNTY, "America/New_York"),
    ("Miami-Dade County", "FL", K.COUNTY, "America/New_York"),
    ("Milwaukee", "WI", K.CITY, "America/Chicago"),
    ("Minneapolis", "MN", K.CITY, "America/Chicago"),
    ("Montgomery County", "MD", K.COUNTY, "America/New_York"),
    ("Nashville", "TN", K.CITY_COUNTY, "America/Chicago"),
    ("New Orleans", "LA", K.CITY, "America/Chicago"),
    ("New York City", "NY", K.CITY, "America/New_York"),
    ("Oakland", "CA", K.CITY, "America/Los_Angeles"),
    ("Olympia", "WA", K.CITY, "America/Los_Angeles"),
    ("Orlando", "FL", K.CITY, "America/New_York"),
    ("Pittsburgh", "PA", K.CITY, "America/New_York"),
    ("Portland", "OR", K.CITY, "America/Los_Angeles"),
    ("Providence", "RI", K.CITY, "America/New_York"),
    ("Raleigh", "NC", K.CITY, "America/New_York"),
    ("Richmond", "VA", K.CITY, "America/New_York"),
    ("Rochester", "NY", K.CITY, "America/New_York"),
    ("Sacramento", "CA", K.CITY, "America/Los_Angeles"),
    ("Salt Lake City", "UT", K.CITY, "America/Denver"),
    ("San Antonio", "TX", K.CITY, "America/Chicago"),
    ("San Diego County", "CA", K.COUNTY, "America/Los_Angeles"),
    ("San Francisco", "CA", K.CITY_COUNTY, "America/Los_Angeles"),
    ("San Jose", "CA", K.CITY, "America/Los_Angeles"),
    ("Santa Fe", "NM", K.CITY, "America/Denver"),
    ("Seattle", "WA", K.CITY, "America/Los_Angeles"),
    ("St. Louis", "MO", K.CITY, "America/Chicago"),
    ("St. Petersburg", "FL", K.CITY, "America/New_York"),
    ("Tacoma", "WA", K.CITY, "America/Los_Angeles"),
    ("Tucson", "AZ", K.CITY, "America/Phoenix"),
    ("Tulsa", "OK", K.CITY, "America/Chicago"),
    ("Washington", "DC", K.CITY, "America/New_York"),
    ("Wake County", "NC", K.COUNTY, "America/New_York"),
    ("Worcester", "MA", K.CITY, "America/New_York"),
]


def seed(log: Callable[[str], None]) -> None:
    for name, state, kind, population, zone in INAUGURAL_COHORT:
        jurisdiction, _ = Jurisdiction.objects.update_or_create(
            name=name,
            state=state,
            kind=kind,
            defaults={"population": population, "time_zone": zone},
        )
        team_name, status, dispatched_from, launched_on, make_up = TEAMS[name]
        ResponseTeam.objects.update_or_create(
            jurisdiction=jurisdiction,
            name=team_name,
            defaults={
                "status": status,
                "dispatched_from": dispatched_from,
                "launched_on": launched_on,
                "make_up": make_up,
            },
        )
    for name, state, kind, zone in COMMUNITY_OF_PRACTICE:
        Jurisdiction.objects.get_or_create(
            name=name, state=state, kind=kind, defaults={"time_zone": zone}
        )
    log(
        f"jurisdictions: {len(INAUGURAL_COHORT)} cohort + "
        f"{len(COMMUNITY_OF_PRACTICE)} community of practice"
    )
