"""Public feedback in a real browser (principle 9): a parent on a phone finds the form from the
sign-in page and sends a concern, warned first about a name; an admin answers and resolves it."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from logger.core import clock
from logger.public import feedback
from tests.browser.pages import sign_in
from tests.factories import make_school, make_user

pytestmark = pytest.mark.browser

NAMED = "On Tuesday the officer shouted at my son Jacob Miller at the bus loop."
UNNAMED = "On Tuesday the officer shouted at my son at the bus loop. Nobody told him why."


@pytest.fixture
def district(app):
    with app.app_context():
        make_school("LHS", "Lincoln High School")
        make_user("admin.lee", role="admin")


def later(monkeypatch) -> None:
    """The parent took as long as a person takes: the server's clock moves past the form's
    too-quick limit (the spam check stays on)."""
    real = clock.utcnow
    monkeypatch.setattr(
        clock, "utcnow", lambda: real() + timedelta(seconds=feedback.MIN_SECONDS_TO_FILL)
    )


def test_a_parent_sends_a_concern_on_a_phone_and_an_admin_answers_it(
    browser, phone_context, live_server, monkeypatch
):
    parent = phone_context.new_page()
    parent.goto("/login")
    parent.get_by_role("link", name="Tell us about the SRO program").click()
    expect(
        parent.get_by_role("heading", name="Tell us about the school resource officer program")
    ).to_be_visible()
    parent.get_by_label("School").select_option(label="Lincoln High School")
    parent.get_by_label("A complaint about an interaction with an officer").check()
    parent.get_by_label("Your message").fill(NAMED)
    parent.get_by_label("A way to reply (optional)").fill("parent@example.org")
    later(monkeypatch)
    parent.get_by_role("button", name="Send feedback").click()
    expect(parent.locator("#text-warning")).to_contain_text("may name a student")
    assert parent.get_by_label("A way to reply (optional)").input_value() == "parent@example.org"
    parent.get_by_label("Your message").fill(UNNAMED)
    parent.get_by_role("button", name="Send it as it is").click()
    expect(parent.get_by_role("heading", name="Thank you: your feedback is sent")).to_be_visible()
    assert parent.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    admin = browser.new_page(base_url=live_server.url)
    sign_in(admin, "admin")
    admin.get_by_role("link", name="1 public feedback message waits").click()
    admin.get_by_role("table").get_by_role("link").first.click()
    expect(admin.locator("#feedback-text")).to_have_text(UNNAMED)
    expect(admin.get_by_text("parent@example.org")).to_be_visible()
    admin.get_by_label("Your answer").fill(
        "We are sorry. The officer's supervisor will call you this week to hear what happened."
    )
    admin.get_by_label("By e-mail, sent from my own mailbox").check()
    admin.get_by_role("button", name="Record answer").click()
    expect(admin.get_by_text("Your answer is recorded.")).to_be_visible()
    expect(admin.get_by_text("after it arrived")).to_be_visible()
    admin.get_by_role("button", name="Mark resolved").click()
    expect(admin.get_by_text("The feedback is marked resolved.")).to_be_visible()
    expect(admin.get_by_text("Resolved by admin.lee")).to_be_visible()
    admin.goto("/")
    expect(admin.locator("#feedback-waiting")).to_have_count(0)
    admin.context.close()
