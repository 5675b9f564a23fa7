"""axe-core finds no violation on any page of any role at 360 px, signed in (issue 12): the
pages the walk of tests/browser/pages.py opens, the New contact form with every conditional
section open and with its errors shown (by the page's script and by the server), and a
review decision refused."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.pages import ROLES, make_district, phone_page, sign_in, walk
from tests.browser.phone import choose, open_new_contact

pytestmark = pytest.mark.browser

AXE = Axe()

ENFORCEMENT = ("Search", "Detention", "Restraint", "Arrest", "Use of force", "Citation")


@pytest.fixture
def district(app):
    return make_district(app)


def violations(page: Page, where: str) -> list[str]:
    """Each element axe finds at fault on the page as it is now: rule, where, which element."""
    found = AXE.run(page).response["violations"]
    return [
        f"{rule['id']} on {where}: {' '.join(map(str, node['target']))} ({rule['help']})"
        for rule in found
        for node in rule["nodes"]
    ]


def assert_none(found: list[str]) -> None:
    assert not found, f"{len(found)} accessibility violations:\n" + "\n".join(found)


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "signed-out"])
def test_every_page_of_every_role(app, browser, live_server, district, role):
    page = phone_page(browser, live_server.url)
    if role:
        sign_in(page, role)
    found = []
    for url in walk(page, app, district, role):
        found += violations(page, url)
    page.context.close()
    assert_none(found)


def open_every_section(page: Page, classification: str) -> None:
    choose(page, "Classification", classification)
    for action in ENFORCEMENT:
        choose(page, "Actions taken", action)
    expect(page.get_by_role("heading", name="Justification")).to_be_visible()
    expect(page.get_by_role("heading", name="What was done")).to_be_visible()


def test_new_contact_open_and_with_errors(browser, live_server, district):
    page = phone_page(browser, live_server.url)
    sign_in(page, "officer")
    page.goto("/entries/new")
    expect(page.locator("#contact-form")).to_be_visible()
    found = []
    for classification in ("Disciplinary", "Criminal"):
        open_every_section(page, classification)
        found += violations(page, f"New contact, {classification.lower()}, every section open")
    open_new_contact(page, fresh=True)
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator("#error-summary")).to_be_visible()
    found += violations(page, "New contact saved empty")
    open_new_contact(page, fresh=True)
    choose(page, "Actions taken", "Arrest")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator("#error-summary")).to_be_visible()
    found += violations(page, "New contact saved with an arrest and nothing else")
    page.context.close()
    assert_none(found)


def test_new_contact_with_errors_from_the_server(browser, live_server, district):
    """Without the app's scripts (axe itself still runs) the server checks the form and shows
    the errors itself."""
    page = phone_page(browser, live_server.url, service_workers="block")
    page.route(re.compile(r"\.js(\?.*)?$"), lambda route: route.abort())
    sign_in(page, "officer")
    found = []
    for action in (None, "Arrest"):
        page.goto("/entries/new")
        if action:
            choose(page, "Actions taken", action)
        page.get_by_role("button", name="Save entry").click()
        expect(page.locator("#error-summary")).to_be_visible()
        found += violations(page, f"New contact sent to the server with {action or 'nothing'}")
    page.context.close()
    assert_none(found)


def test_a_refused_review_decision(browser, live_server, district):
    page = phone_page(browser, live_server.url)
    sign_in(page, "supervisor")
    page.goto(f"/review/{district['waiting']}")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#decision-error")).to_be_visible()
    found = violations(page, "review page, decision refused")
    page.context.close()
    assert_none(found)
