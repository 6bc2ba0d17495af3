"""Demo jurisdictions: the inaugural cohort's five and a community of practice of 60+."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from cohorts.models import Cohort, CohortMembership
from jurisdictions.models import (
    Agency,
    Contact,
    Jurisdiction,
    MoU,
    MoUTransition,
    PaperworkSettings,
    PointOfContactChange,
    Resource,
    ResourceTag,
    ResponseTeam,
    SupportLetter,
)

if TYPE_CHECKING:
    from cohorts.models import Cohort
    from gpl_cohort.accounts.models import User

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

# Governments in the community of practice (more than 60, as the program describes), with
# their population (2020 census, rounded).
COMMUNITY_OF_PRACTICE = [
    ("Albuquerque", "NM", K.CITY, 564_600, "America/Denver"),
    ("Austin", "TX", K.CITY, 961_900, "America/Chicago"),
    ("Baltimore", "MD", K.CITY, 585_700, "America/New_York"),
    ("Boston", "MA", K.CITY, 675_600, "America/New_York"),
    ("Boulder", "CO", K.CITY, 108_300, "America/Denver"),
    ("Burlington", "VT", K.CITY, 44_700, "America/New_York"),
    ("Cambridge", "MA", K.CITY, 118_400, "America/New_York"),
    ("Chicago", "IL", K.CITY, 2_746_400, "America/Chicago"),
    ("Chittenden County", "VT", K.COUNTY, 168_300, "America/New_York"),
    ("Cincinnati", "OH", K.CITY, 309_300, "America/New_York"),
    ("Cleveland", "OH", K.CITY, 372_600, "America/New_York"),
    ("Columbus", "OH", K.CITY, 905_700, "America/New_York"),
    ("Dallas", "TX", K.CITY, 1_304_400, "America/Chicago"),
    ("Dayton", "OH", K.CITY, 137_600, "America/New_York"),
    ("Denver", "CO", K.CITY_COUNTY, 715_500, "America/Denver"),
    ("Des Moines", "IA", K.CITY, 214_100, "America/Chicago"),
    ("Detroit", "MI", K.CITY, 639_100, "America/Detroit"),
    ("Eugene", "OR", K.CITY, 176_700, "America/Los_Angeles"),
    ("Fairfax County", "VA", K.COUNTY, 1_150_300, "America/New_York"),
    ("Grand Rapids", "MI", K.CITY, 198_900, "America/Detroit"),
    ("Hennepin County", "MN", K.COUNTY, 1_281_600, "America/Chicago"),
    ("Houston", "TX", K.CITY, 2_304_600, "America/Chicago"),
    ("Indianapolis", "IN", K.CITY_COUNTY, 887_600, "America/Indiana/Indianapolis"),
    ("Ithaca", "NY", K.CITY, 32_100, "America/New_York"),
    ("Jackson", "MS", K.CITY, 153_700, "America/Chicago"),
    ("Kansas City", "MO", K.CITY, 508_100, "America/Chicago"),
    ("King County", "WA", K.COUNTY, 2_269_700, "America/Los_Angeles"),
    ("Knoxville", "TN", K.CITY, 190_700, "America/New_York"),
    ("Las Cruces", "NM", K.CITY, 111_400, "America/Denver"),
    ("Los Angeles County", "CA", K.COUNTY, 10_014_000, "America/Los_Angeles"),
    ("Louisville", "KY", K.CITY_COUNTY, 633_000, "America/Kentucky/Louisville"),
    ("Madison", "WI", K.CITY, 269_800, "America/Chicago"),
    ("Mecklenburg County", "NC", K.COUNTY, 1_115_500, "America/New_York"),
    ("Miami-Dade County", "FL", K.COUNTY, 2_701_800, "America/New_York"),
    ("Milwaukee", "WI", K.CITY, 577_200, "America/Chicago"),
    ("Minneapolis", "MN", K.CITY, 429_900, "America/Chicago"),
    ("Montgomery County", "MD", K.COUNTY, 1_062_100, "America/New_York"),
    ("Nashville", "TN", K.CITY_COUNTY, 689_400, "America/Chicago"),
    ("New Orleans", "LA", K.CITY, 383_900, "America/Chicago"),
    ("New York City", "NY", K.CITY, 8_804_200, "America/New_York"),
    ("Oakland", "CA", K.CITY, 440_600, "America/Los_Angeles"),
    ("Olympia", "WA", K.CITY, 55_600, "America/Los_Angeles"),
    ("Orlando", "FL", K.CITY, 307_600, "America/New_York"),
    ("Pittsburgh", "PA", K.CITY, 302_900, "America/New_York"),
    ("Portland", "OR", K.CITY, 652_500, "America/Los_Angeles"),
    ("Providence", "RI", K.CITY, 190_900, "America/New_York"),
    ("Raleigh", "NC", K.CITY, 467_700, "America/New_York"),
    ("Richmond", "VA", K.CITY, 226_600, "America/New_York"),
    ("Rochester", "NY", K.CITY, 211_300, "America/New_York"),
    ("Sacramento", "CA", K.CITY, 524_900, "America/Los_Angeles"),
    ("Salt Lake City", "UT", K.CITY, 200_000, "America/Denver"),
    ("San Antonio", "TX", K.CITY, 1_434_600, "America/Chicago"),
    ("San Diego County", "CA", K.COUNTY, 3_298_600, "America/Los_Angeles"),
    ("San Francisco", "CA", K.CITY_COUNTY, 873_900, "America/Los_Angeles"),
    ("San Jose", "CA", K.CITY, 1_013_200, "America/Los_Angeles"),
    ("Santa Fe", "NM", K.CITY, 88_000, "America/Denver"),
    ("Seattle", "WA", K.CITY, 737_000, "America/Los_Angeles"),
    ("St. Louis", "MO", K.CITY, 301_600, "America/Chicago"),
    ("St. Petersburg", "FL", K.CITY, 258_300, "America/New_York"),
    ("Tacoma", "WA", K.CITY, 219_300, "America/Los_Angeles"),
    ("Tucson", "AZ", K.CITY, 542_600, "America/Phoenix"),
    ("Tulsa", "OK", K.CITY, 413_100, "America/Chicago"),
    ("Washington", "DC", K.CITY, 689_500, "America/New_York"),
    ("Wake County", "NC", K.COUNTY, 1_129_400, "America/New_York"),
    ("Worcester", "MA", K.CITY, 206_500, "America/New_York"),
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
    for name, state, kind, population, zone in COMMUNITY_OF_PRACTICE:
        jurisdiction, _ = Jurisdiction.objects.get_or_create(
            name=name, state=state, kind=kind, defaults={"time_zone": zone}
        )
        if jurisdiction.population is None:
            jurisdiction.population = population
            jurisdiction.save(update_fields=["population"])
    log(
        f"jurisdictions: {len(INAUGURAL_COHORT)} cohort + "
        f"{len(COMMUNITY_OF_PRACTICE)} community of practice"
    )


# Agencies and people of the two jurisdictions that have demo logins.
PEOPLE = {
    "Durham": [
        ("Community Safety Department", Agency.Kind.COMMUNITY_SAFETY, "Ryan Smith", "Director"),
        ("Emergency Communications", Agency.Kind.DISPATCH, "Randy Beeman", "911 Director"),
        ("Durham Police Department", Agency.Kind.POLICE, "Avery Lane", "Deputy Chief"),
    ],
    "Phoenix": [
        ("Office of Community Safety and Crisis Response", Agency.Kind.COMMUNITY_SAFETY,
         "Jordan Reyes", "Director"),
        ("Phoenix Fire Department", Agency.Kind.FIRE_EMS, "Casey Morgan", "Deputy Chief, EMS"),
        ("Police Communications", Agency.Kind.DISPATCH, "Sam Ortiz", "Communications Manager"),
    ],
}  # fmt: skip

LETTER_SIGNERS = {
    "Durham": ("Elaine O'Neal", "Mayor", "Office of the Mayor"),
    "Harris County": ("Lina Hidalgo", "County Judge", "Office of the County Judge"),
    "Long Beach": ("Robert Garcia", "Mayor", "Office of the Mayor"),
    "Philadelphia": ("Jim Kenney", "Mayor", "Office of the Mayor"),
    "Phoenix": ("Kate Gallego", "Mayor", "Office of the Mayor"),
    "Madison": ("Satya Rhodes-Conway", "Mayor", "Office of the Mayor"),
    "Minneapolis": ("Jacob Frey", "Mayor", "Office of the Mayor"),
    "St. Petersburg": ("Ken Welch", "Mayor", "Office of the Mayor"),
}

RESOURCES = [
    ("Analyzing 911 calls for service: a step-by-step guide", Resource.Category.CALL_ANALYSIS,
     ["911 data", "template"], "Pull CAD data, group call types, estimate eligible calls."),
    ("Call decision tree: behavioral health calls", Resource.Category.DECISION_TREE,
     ["dispatch", "peer example"], "A peer example of how dispatchers route calls."),
    ("Community briefing slide deck", Resource.Category.COMMUNITY_BRIEFING,
     ["outreach", "template"], "Slides to brief neighborhood groups on the new team."),
    ("Program evaluation plan template", Resource.Category.EVALUATION,
     ["outcome metrics", "template"], "Outcome and process measures with data sources."),
    ("Service-provider RFP: crisis response team", Resource.Category.RFP,
     ["procurement", "peer example"], "A request for proposals for a contracted provider."),
    ("Job description: crisis response clinician", Resource.Category.HIRING,
     ["job description", "clinicians"], "Duties, qualifications and pay range."),
    ("Interview guide: peer support specialists", Resource.Category.HIRING,
     ["interview guide", "peers"], "Questions and scoring for peer support interviews."),
]  # fmt: skip


def demo_pdf(title: str) -> bytes:
    """A one-page PDF for demo files (no real document is shipped)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_metadata({NameObject("/Title"): TextStringObject(title)})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def seed_paperwork(log: Callable[[str], None]) -> None:
    """MoUs, support letters, points of contact, people and the library for the demo.

    Runs after the cohorts and logins exist (called by coaching.demo, which the seeder runs
    after applications.demo), because seats and contacts are made there.
    """
    from django.utils import timezone

    from gpl_cohort.accounts.models import User
    from jurisdictions.selectors import cohort_running

    staff = User.objects.filter(email="staff@cohort.example").first()
    inaugural = Cohort.objects.filter(slug="2021-2022").first()
    if inaugural is None or staff is None:
        return
    running = cohort_running(
        list(Cohort.objects.filter(memberships__isnull=False).distinct()),
        today=timezone.localdate(),
    )
    for cohort in {c for c in (inaugural, running) if c is not None}:
        _seed_seats_paperwork(cohort, staff)
    _seed_people_and_library(staff)
    log(
        f"jurisdictions: paperwork for {inaugural} and {running}, "
        f"{Contact.objects.count()} people, "
        f"{Resource.objects.count()} library resources"
    )


def _seed_seats_paperwork(cohort: Cohort, staff: User) -> None:
    """Each seat's countersigned MoU and support letter, dated the month before the start."""
    from django.core.files.base import ContentFile

    def before_start(days: int) -> dt.datetime:
        return dt.datetime.combine(
            cohort.starts_on - dt.timedelta(days=days), dt.time(15), tzinfo=dt.UTC
        )

    for membership in CohortMembership.objects.filter(cohort=cohort).select_related("jurisdiction"):
        name = membership.jurisdiction.name
        if name not in LETTER_SIGNERS:
            continue
        mou, created = MoU.objects.get_or_create(
            membership=membership,
            defaults={
                "status": MoU.Status.COUNTERSIGNED,
                "jurisdiction_signatory": LETTER_SIGNERS[name][0],
                "jurisdiction_signatory_title": LETTER_SIGNERS[name][1],
                "program_signatory": staff.full_name,
                "sent_at": before_start(29),
                "signed_at": before_start(12),
                "countersigned_at": before_start(8),
            },
        )
        if created:
            for frm, to in [("drafted", "sent"), ("sent", "signed"), ("signed", "countersigned")]:
                MoUTransition.objects.create(mou=mou, from_status=frm, to_status=to, by=staff)
        if not membership.support_letters.exists():
            signer, title, office = LETTER_SIGNERS[name]
            letter = SupportLetter(
                jurisdiction=membership.jurisdiction,
                membership=membership,
                signer_name=signer,
                signer_title=title,
                office=office,
                dated=cohort.starts_on - dt.timedelta(days=20),
                file_name="support-letter.pdf",
            )
            letter.file.save(
                "support-letter.pdf", ContentFile(demo_pdf(f"Letter, {name}")), save=False
            )
            letter.save()
        if membership.point_of_contact and not membership.point_of_contact_changes.exists():
            PointOfContactChange.objects.create(
                membership=membership,
                new=membership.point_of_contact,
                reason="First designation",
                changed_by=staff,
            )


def _seed_people_and_library(staff: User) -> None:
    from django.core.files.base import ContentFile

    for name, people in PEOPLE.items():
        jurisdiction = Jurisdiction.objects.filter(name=name, kind=K.CITY).first()
        if jurisdiction is None:
            continue
        for agency_name, kind, person, title in people:
            agency = Agency.objects.filter(
                jurisdiction=jurisdiction, name__iexact=agency_name
            ).first()
            if agency is None:
                agency = Agency.objects.create(
                    jurisdiction=jurisdiction, name=agency_name, kind=kind
                )
            Contact.objects.get_or_create(
                jurisdiction=jurisdiction,
                full_name=person,
                defaults={"title": title, "agency": agency},
            )
    for title, category, tags, description in RESOURCES:
        if Resource.objects.filter(title=title).exists():
            continue
        resource = Resource(
            title=title,
            category=category,
            description=description,
            file_name=f"{category}.pdf",
            file_kind="pdf",
            uploaded_by=staff,
        )
        content = demo_pdf(title)
        resource.file_size = len(content)
        resource.file.save(resource.file_name, ContentFile(content), save=False)
        resource.save()
        for tag in tags:
            resource.tags.add(ResourceTag.objects.get_or_create(name=tag)[0])
    PaperworkSettings.load()
