"""A jurisdiction contact builds a two-question call decision tree in the visual editor by
clicking and typing (no JSON), saves it, and sees the diagram with the volume at each answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.calldata.conftest import imported_a  # noqa: F401  (the imported dataset)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_contact_builds_a_two_question_tree_and_sees_its_volumes(
    imported_a,  # noqa: F811
    contact_a,
    password,
    page,
    log_in,
    screenshot,
    axe_check,
):
    from calldata.models import DecisionTree

    log_in(contact_a.email, password)
    page.goto(f"/calldata/j/{imported_a.jurisdiction_id}/trees/")
    page.get_by_role("button", name="Start a blank tree").click()
    root = page.locator('.tree-node[data-path="root"]')
    question = root.get_by_label("Question the dispatcher asks")
    expect(question).to_be_focused()
    question.fill("Is anyone in immediate danger?")
    root.get_by_label("Answered “yes” in the data when").select_option("priority_at_most")
    root.get_by_label("Priority (1 = most urgent)").fill("1")
    # The No answer becomes a second question.
    page.locator('.tree-node[data-path="root.no"]').get_by_role(
        "button", name="Ask a question here"
    ).click()
    page.mouse.move(0, 0)  # no button left hovered (mid-transition colours) for axe below
    second = page.locator('.tree-node[data-path="root.no"]')
    expect(second.get_by_label("Question the dispatcher asks")).to_be_focused()
    second.get_by_label("Question the dispatcher asks").fill(
        "Is it a mental-health or welfare concern?"
    )
    second.get_by_label("Answered “yes” in the data when").select_option("category")
    expect(second.get_by_label("Welfare check")).to_be_visible()
    expect(second.get_by_label("Marker")).to_be_hidden()
    second.get_by_label("Welfare check").check()
    second.get_by_label("Behavioral / mental health").check()
    page.locator('.tree-node[data-path="root.no.yes"]').get_by_label("This step").select_option(
        "alternative"
    )
    expect(
        page.locator('.tree-node[data-path="root.no.no"]').get_by_label("This step")
    ).to_have_value("alternative")
    page.locator('.tree-node[data-path="root.no.no"]').get_by_label("This step").select_option(
        "police"
    )
    preview = page.get_by_test_id("tree-preview")
    expect(preview.get_by_text("Is it a mental-health or welfare concern?")).to_be_visible()
    expect(preview.locator('[data-path="root.no.yes"]')).to_contain_text("calls")
    # The outline is redrawn after each change; a key pressed while a redraw lands must
    # still reach its button, so wait for the last one only to make the run repeatable.
    expect(page.locator("#tree-editor")).not_to_have_attribute("aria-busy", "true")
    # A redraw that lands while a button has focus (a change made elsewhere, here by script
    # so that focus stays put) leaves focus on the same button in the new outline.
    swap = page.locator('.tree-node[data-path="root.no"]').get_by_role(
        "button", name="Swap Yes and No"
    )
    swap.focus()
    page.evaluate(
        """() => {
            const field = document.querySelector('.tree-node[data-path="root"] input[type=number]');
            field.dispatchEvent(new Event("change", {bubbles: true}));
        }"""
    )
    expect(page.locator("#tree-editor-status")).to_have_text("Diagram updated.")
    expect(page.locator("#tree-editor")).not_to_have_attribute("aria-busy", "true")
    expect(swap).to_be_focused()
    # Keyboard: the next button is reachable and works with Enter.
    swap = page.locator('.tree-node[data-path="root.no"]').get_by_role(
        "button", name="Swap Yes and No"
    )
    swap.focus()
    page.keyboard.press("Enter")
    expect(
        page.locator('.tree-node[data-path="root.no.yes"]').get_by_label("This step")
    ).to_have_value("police")
    swap = page.locator('.tree-node[data-path="root.no"]').get_by_role(
        "button", name="Swap Yes and No"
    )
    swap.focus()
    page.keyboard.press("Space")
    expect(
        page.locator('.tree-node[data-path="root.no.yes"]').get_by_label("This step")
    ).to_have_value("alternative")
    expect(page.locator("#tree-editor-status")).to_have_text("Tree changed; diagram updated.")
    page.get_by_label("Tree name").fill("Dispatcher triage")
    page.get_by_label("What changed (optional)").fill("Two questions")
    # Colours are checked as they settle, not halfway through a button's hover transition.
    page.mouse.move(0, 0)
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    axe_check(page, "tree editor")
    screenshot(page, "editor")
    page.get_by_role("button", name="Save as new version").click()
    expect(page.get_by_text("Saved Dispatcher triage v1")).to_be_visible()
    diagram = page.get_by_test_id("tree-diagram")
    expect(diagram.get_by_text("Is anyone in immediate danger?")).to_be_visible()
    volumes = page.get_by_test_id("leaf-volumes")
    expect(volumes).to_be_visible()
    tree = DecisionTree.objects.get()
    assert tree.nodes["no"]["test"] == {
        "kind": "category",
        "values": ["behavioral_health", "welfare_check"],
    }
    assert tree.nodes["no"]["yes"] == {"leaf": "alternative"}
    counts = [int(c) for c in volumes.locator("[data-count]").all_inner_texts()]
    assert sum(counts) == imported_a.rows_kept and len(counts) == 3
    axe_check(page, "tree")
    screenshot(page, "saved")


def test_the_editor_works_without_javascript(
    imported_a,  # noqa: F811
    contact_a,
    password,
    browser,
    live_server,
    screenshot,
):
    from calldata.models import DecisionTree

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(contact_a.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"/calldata/j/{imported_a.jurisdiction_id}/trees/")
        page.get_by_role("button", name="Start a blank tree").click()
        page.locator('.tree-node[data-path="root"]').get_by_label(
            "Question the dispatcher asks"
        ).fill("Is anyone in immediate danger?")
        page.locator('.tree-node[data-path="root.yes"]').get_by_role(
            "button", name="Ask a question here"
        ).click()
        second = page.locator('.tree-node[data-path="root.yes"]')
        expect(second.get_by_label("Question the dispatcher asks")).to_have_value("")
        expect(
            page.locator('.tree-node[data-path="root"]').get_by_label(
                "Question the dispatcher asks"
            )
        ).to_have_value("Is anyone in immediate danger?")
        second.get_by_label("Question the dispatcher asks").fill("Is someone injured?")
        second.get_by_label("Answered “yes” in the data when").select_option("marker")
        second.get_by_label("Marker").select_option("injury")
        page.locator('.tree-node[data-path="root.yes.yes"]').get_by_label(
            "This step"
        ).select_option("ems")
        page.get_by_role("button", name="Save as new version").click()
        expect(page.get_by_test_id("leaf-volumes")).to_be_visible()
        screenshot(page, "no-javascript")
    finally:
        context.close()
    tree = DecisionTree.objects.get()
    assert tree.nodes["yes"]["test"] == {"kind": "marker", "name": "injury"}
    assert tree.nodes["yes"]["yes"] == {"leaf": "ems"}
