"""Browser journeys: Playwright for Python driving Debian's chromium against a live server.

Without /usr/bin/chromium the journeys are skipped with a visible notice, except under CI=true,
where a missing browser is a failure. Screenshots go to tests/e2e/screenshots/ for a person to
look at (the folder is ignored by git).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in a
# thread with a running loop unless told it is safe, which it is here (one thread, tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_report_header(config: pytest.Config) -> str:
    if os.path.exists(CHROMIUM):
        return f"cohort e2e: browser journeys run in {CHROMIUM}"
    return f"cohort e2e: NOTICE: {CHROMIUM} is missing, browser journeys will be SKIPPED"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {message}: browser journeys must run in CI")
        pytest.skip(f"NOTICE: {message}; browser journeys skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot named after the test and a label."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, label: str) -> Path:
        name = re.sub(r"[^a-z0-9]+", "-", f"{request.node.name}-{label}".lower()).strip("-")
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(page):
    def do(email: str, password: str) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/home/")

    return do


def add_session_cookie(context, base_url: str, user) -> None:
    """Log a browser context in by its session cookie: faster than the form, which has its own
    keyboard test (test_foundation_accessibility)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    """axe-core's source, or a skip (a failure under CI=true) when npm has not installed it."""
    if not AXE.exists():
        message = f"{AXE} is missing (make test installs it with npm)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {message}")
        pytest.skip(f"NOTICE: {message}; accessibility checks skipped")
    return AXE.read_text()


def axe_serious(page, source: str) -> list[dict]:
    """The serious and critical WCAG 2.1 AA violations axe finds on the page as it is now.
    Evaluated through the DevTools protocol, so the page's CSP (which forbids inline scripts)
    stays on."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def axe_lines(violations: list[dict], nodes: int = 5) -> list[str]:
    """One readable line per violation: rule, impact, what it asks, the first few targets."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(_axe_node(node) for node in v["nodes"][:nodes])
        + (f" (+{len(v['nodes']) - nodes} more)" if len(v["nodes"]) > nodes else "")
        for v in violations
    ]


def _axe_node(node: dict) -> str:
    target = " ".join(map(str, node["target"]))
    data = next((check.get("data") for check in node.get("any", []) if check.get("data")), None)
    if isinstance(data, dict) and {"fgColor", "bgColor", "contrastRatio"} <= set(data):
        return f"{target} [{data['fgColor']} on {data['bgColor']}: {data['contrastRatio']}:1]"
    return target


@pytest.fixture
def axe_check():
    """Run axe-core (npm, installed by `make test`) on a page: no serious or critical WCAG 2.1
    AA violation may remain."""
    source = axe_source()

    def check(page, label: str = "") -> list[dict]:
        serious = axe_serious(page, source)
        assert not serious, f"axe on {label or page.url}:\n" + "\n".join(axe_lines(serious))
        return serious

    return check


def create_account(page, *, full_name: str, email: str) -> None:
    """Fill and send the sign-up form the page shows (applications' Create an account)."""
    page.locator("#id_full_name").fill(full_name)
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill("a-long-pass-phrase-9")
    page.locator("#id_password2").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Create my account").click()


def start_application(page, *, name: str = "Orange", kind: str = "county", state: str = "NC"):
    """On the start page: name a new jurisdiction and start; lands on the application form."""
    page.get_by_label("Name of the city or county").fill(name)
    page.get_by_label("Kind").select_option(kind)
    page.get_by_label("State").select_option(state)
    page.get_by_role("button", name="Start the application").click()
    page.wait_for_url("**/edit/")


def fill_join_form(page, *, full_name: str, email: str, jurisdiction: str = "Tucson, AZ") -> None:
    """Fill the community's join form (a practitioner of `jurisdiction`), without sending it."""
    page.get_by_label("Your name").fill(full_name)
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Your jurisdiction").select_option(label=jurisdiction)
    page.get_by_label("Agency").fill("Communications Department")
    page.get_by_label("Role or title").fill("Deputy director")
    page.get_by_label("Time zone").select_option("America/Phoenix")
    page.locator("#id_password").fill("a-long-enough-password-1")
    page.locator("#id_password_again").fill("a-long-enough-password-1")
