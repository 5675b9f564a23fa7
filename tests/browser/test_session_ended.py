"""A supervisor whose session ended while writing a decision loses nothing (issue 8, item 8)."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_contact, make_school, make_user, mentoring_entry

pytestmark = pytest.mark.browser

COMMENT = "Say which teacher asked for you, and why staff could not handle it."


@pytest.fixture
def waiting(app):
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        ruiz = make_user(
            "ofc.ruiz", schools=[lincoln], supervisor=make_user("sgt.park", "supervisor")
        )
        return str(make_contact(ruiz, mentoring_entry(lincoln.id)).id)


def sign_in_here(page, username: str) -> None:
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_comment_survives_a_session_that_ended(browser, playwright, live_server, waiting):
    context = browser.new_context(**playwright.devices["Pixel 7"], base_url=live_server.url)
    page = context.new_page()
    page.goto("/login")
    sign_in_here(page, "sgt.park")
    page.goto(f"/review/{waiting}")
    page.get_by_label("Return for correction").check()
    page.get_by_label("Comment", exact=False).fill(COMMENT)

    context.clear_cookies()  # the shift's session ran out while the page sat open
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("what you typed is kept")).to_be_visible()
    sign_in_here(page, "sgt.park")

    expect(page.get_by_text("Your session had ended before this was saved")).to_be_visible()
    expect(page.get_by_label("Comment", exact=False)).to_have_value(COMMENT)
    expect(page.get_by_label("Return for correction")).to_be_checked()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Returned to the officer.")).to_be_visible()
    context.close()
