"""An admin runs the district from a phone (issue 10): a school, an officer, an assignment,
the setup link handed over; the officer logs a contact; the admin ends it all."""

import pytest
from playwright.sync_api import expect

from tests.browser.phone import log_mentoring
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

DIAZ_PASSWORD = "copper kettle meadow 17"


@pytest.fixture
def first_admin(app):
    """The district as the command line leaves it: one admin, nothing else."""
    with app.app_context():
        make_user("admin.lee", role="admin")


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_brings_an_officer_on_and_off_duty_from_a_phone(
    browser, playwright, live_server, first_admin
):
    phone = {**playwright.devices["Pixel 7"], "base_url": live_server.url, "bypass_csp": True}
    admin = browser.new_context(**phone).new_page()
    sign_in(admin, "admin.lee", PASSWORD)
    expect(admin.get_by_role("heading", name="Signed in as admin.lee")).to_be_visible()

    admin.get_by_role("link", name="Schools").first.click()
    admin.get_by_role("link", name="New school").click()
    admin.get_by_label("Code").fill("LHS")
    admin.get_by_label("Name").fill("Lincoln High School")
    admin.get_by_label("high").check()
    admin.get_by_role("button", name="Add the school").click()
    expect(admin.get_by_text("Added Lincoln High School.")).to_be_visible()

    admin.get_by_role("link", name="Accounts").first.click()
    admin.get_by_role("link", name="New account").click()
    admin.get_by_label("User name").fill("ofc.diaz")
    admin.get_by_role("button", name="Open the account").click()
    link = admin.get_by_label("Setup link").input_value()
    admin.get_by_role("link", name="Back to ofc.diaz").click()
    admin.get_by_label("School", exact=True).select_option(label="Lincoln High School")
    admin.get_by_role("button", name="Assign").click()
    expect(admin.get_by_text("Assigned ofc.diaz.")).to_be_visible()
    expect(admin.locator("#assignments")).to_contain_text("Lincoln High School")

    officer = browser.new_context(**phone).new_page()
    officer.goto(link)
    officer.get_by_label("New password").fill(DIAZ_PASSWORD)
    officer.get_by_label("The same password again").fill(DIAZ_PASSWORD)
    officer.get_by_role("button", name="Set my password").click()
    expect(officer.get_by_text("Your password is set. Sign in as ofc.diaz.")).to_be_visible()
    sign_in(officer, "ofc.diaz", DIAZ_PASSWORD)
    expect(officer.get_by_role("heading", name="My entries")).to_be_visible()
    log_mentoring(officer, narrative="Checked in with the lunch table.")
    expect(officer.get_by_text("Entry saved and sent for review.")).to_be_visible()

    admin.get_by_role("button", name="End").click()
    expect(admin.get_by_text("ofc.diaz's assignment to Lincoln High School ends")).to_be_visible()
    admin.get_by_role("button", name="Deactivate ofc.diaz").click()
    expect(admin.get_by_text("ofc.diaz is deactivated.")).to_be_visible()

    assert officer.context.request.get(f"{live_server.url}/api/v1/session").status == 401
    officer.goto("/entries")
    expect(officer.get_by_role("heading", name="Sign in")).to_be_visible()
