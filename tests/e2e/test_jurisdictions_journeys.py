"""Enrolment paperwork and the resource library in the browser."""

import pytest
from playwright.sync_api import expect

from cohorts.models import CohortMembership
from jurisdictions.models import MoU
from tests.accounts.factories import PASSWORD, StaffFactory, UserFactory
from tests.cohorts.factories import CohortMembershipFactory
from tests.community.factories import MembershipFactory
from tests.jurisdictions.factories import JurisdictionFactory, ResourceFactory, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cast(transactional_db):
    durham = JurisdictionFactory(name="Durham", state="NC")
    seat = CohortMembershipFactory(jurisdiction=durham, status=CohortMembership.Status.SELECTED)
    staff = StaffFactory(email="coach@program.example", full_name="Casey Coach")
    dana = UserFactory(
        email="dana@durhamnc.gov", full_name="Dana Durham", contact_jurisdiction=durham
    )
    return {"seat": seat, "staff": staff, "dana": dana}


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


def test_staff_send_the_mou_and_the_contact_completes_the_paperwork(
    cast, page, log_in, screenshot, browser, live_server
):
    seat = cast["seat"]
    log_in("coach@program.example", PASSWORD)
    page.goto(f"/jurisdictions/seats/{seat.pk}/")
    page.get_by_role("button", name="Draft the MoU").click()
    page.get_by_role("button", name="Send to the jurisdiction").click()
    assert page.get_by_test_id("mou-status").inner_text() == "Sent to the jurisdiction"

    contact = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    other = contact.new_page()
    other.goto("/accounts/login/")
    other.get_by_label("Email address").fill("dana@durhamnc.gov")
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Log in").click()
    other.wait_for_url("**/home/")
    other.get_by_role("link", name="send the MoU, support letter and point of contact").click()
    assert "Still needed to enrol" in other.get_by_test_id("outstanding").inner_text()
    # A wrong file first: refused with a reason, the typed name stays.
    other.get_by_label("Signed by (name)").fill("Wanda Page")
    other.get_by_label("Signed MoU (PDF, up to 10 MB)").set_input_files(
        {"name": "mou.pdf", "mimeType": "application/pdf", "buffer": b"\x00\x01 not a pdf" * 30}
    )
    other.get_by_role("button", name="Upload signed MoU").click()
    assert "Accepted: PDF" in other.content()
    assert other.get_by_label("Signed by (name)").input_value() == "Wanda Page"
    other.get_by_label("Signed MoU (PDF, up to 10 MB)").set_input_files(_pdf("signed-mou.pdf"))
    other.get_by_role("button", name="Upload signed MoU").click()
    assert other.get_by_test_id("mou-status").inner_text() == "Signed by the jurisdiction"

    other.get_by_text("Upload a support letter").click()
    other.get_by_label("Signer's name").fill("Elaine O'Neal")
    other.get_by_label("Signer's title").fill("Mayor")
    other.get_by_label("Office").fill("Office of the Mayor")
    other.get_by_label("Date of the letter").fill("2021-08-10")
    other.get_by_label("Letter (PDF, up to 10 MB)").set_input_files(_pdf("letter.pdf"))
    other.get_by_role("button", name="Upload letter").click()
    other.get_by_text("Designate the point of contact").click()
    other.get_by_label("Point of contact").select_option(label="Dana Durham")
    other.get_by_role("button", name="Save").click()
    expect(other.get_by_text("All enrolment paperwork is in.")).to_be_visible()
    screenshot(other, "seat-enrolled")
    contact.close()

    seat.refresh_from_db()
    assert seat.status == CohortMembership.Status.ENROLLED
    page.reload()
    page.get_by_role("button", name="Countersign").click()
    assert MoU.objects.get(membership=seat).status == MoU.Status.COUNTERSIGNED
    assert "Sent to the jurisdiction → Signed by the jurisdiction" in page.content()
    screenshot(page, "seat-staff-view")
    page.get_by_role("link", name="Cohort seats").click()
    assert "complete" in page.content()


def test_a_practitioner_searches_the_resource_library(cast, page, log_in, screenshot):
    MembershipFactory(user__email="toni@tucsonaz.gov")
    tree = ResourceFactory(title="Call decision tree, Eugene CAHOOTS", category="decision_tree")
    tree.tags.create(name="dispatch")
    ResourceFactory(title="Job description: crisis clinician", category="hiring")
    log_in("toni@tucsonaz.gov", PASSWORD)
    page.get_by_role("link", name="Resources").click()
    page.get_by_label("Search").fill("cahoots")
    page.get_by_role("button", name="Search").click()
    listing = page.get_by_test_id("resources").inner_text()
    assert "Eugene CAHOOTS" in listing and "crisis clinician" not in listing
    screenshot(page, "library-search")
    with page.expect_download() as download:
        page.get_by_role("link", name="Call decision tree, Eugene CAHOOTS").click()
    assert download.value.suggested_filename == "tree.pdf"
    assert page.get_by_role("link", name="Upload a resource").count() == 0
