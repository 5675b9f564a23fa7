"""A supervisor at a desk and an officer on a phone take an arrest through review."""

import pytest
from playwright.sync_api import expect

from logger.core.models import Contact
from logger.extensions import db
from tests.browser.phone import log_arrest, settle, sign_in
from tests.factories import make_school, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def team(app):
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        make_user("ofc.ruiz", schools=[lincoln], supervisor=make_user("sgt.park", "supervisor"))


def sign_in_supervisor(page) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill("sgt.park")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("for your review")).to_be_visible()


def test_return_fix_resubmit_approve(app, browser, playwright, live_server, team):
    phone = browser.new_context(
        **playwright.devices["Pixel 7"], base_url=live_server.url, bypass_csp=True
    ).new_page()
    desk = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, bypass_csp=True
    ).new_page()
    sign_in(phone, "ofc.ruiz")
    log_arrest(phone)
    expect(phone.get_by_text("Entry saved and sent for review.")).to_be_visible()

    sign_in_supervisor(desk)
    expect(desk.get_by_text("1 entry waits for your review")).to_be_visible()
    desk.get_by_role("link", name="Open the review queue").click()
    row = desk.locator("table.queue tbody tr").first
    expect(row).to_contain_text("ofc.ruiz")
    expect(row).to_contain_text("Arrest")
    row.get_by_role("link").click()
    expect(desk.get_by_role("heading", name="Justification")).to_be_visible()
    expect(desk.get_by_text("COPS principle 4: arrest only as a last resort")).to_be_visible()
    desk.get_by_label("Return for correction").check()
    desk.get_by_label("Comment", exact=False).fill("Say which staff member reported the knife.")
    desk.get_by_role("button", name="Record decision").click()
    expect(desk.get_by_text("Returned to the officer.")).to_be_visible()

    phone.goto("/entries")
    settle(phone)
    expect(phone.get_by_text("1 entry was returned for correction")).to_be_visible()
    returned = phone.locator("#server-entries li.entry").first
    expect(returned).to_contain_text("Say which staff member reported the knife.")
    returned.get_by_role("link", name="Fix and resend").click()
    expect(phone.locator("#review-comment")).to_contain_text(
        "Say which staff member reported the knife."
    )
    phone.get_by_label("Narrative", exact=True).fill("The assistant principal reported the knife.")
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_text("Entry saved and sent for review.")).to_be_visible(timeout=15000)

    desk.goto("/review")
    desk.locator("table.queue tbody tr").first.get_by_role("link").click()
    expect(desk.get_by_text("Revision 1 → 2")).to_be_visible()
    desk.get_by_label("Approve").check()
    desk.get_by_role("button", name="Record decision").click()
    expect(desk.get_by_text("Comment on the arrest before approving.")).to_be_visible()
    desk.get_by_label("Comment", exact=False).fill("Justified; the report names the staff member.")
    desk.get_by_role("button", name="Record decision").click()
    expect(desk.get_by_text("Approved.")).to_be_visible()
    expect(desk.get_by_text("Nothing waits for your review")).to_be_visible()

    with app.app_context():
        contact = db.session.scalars(db.select(Contact)).one()
        entry_id = contact.id
        assert contact.current_revision == 2 and contact.current.status == "approved"
        assert [(d.revision, d.decision) for d in contact.decisions] == [
            (1, "return"),
            (2, "approve"),
        ]
    phone.goto(f"/entries/{entry_id}")
    expect(phone.locator(".history li")).to_have_count(2)
    expect(phone.get_by_text("Revision 1 · Returned")).to_be_visible()


def test_an_approved_entry_is_amended_with_an_explanation_and_reviewed_again(
    app, browser, playwright, live_server, team
):
    phone = browser.new_context(
        **playwright.devices["Pixel 7"], base_url=live_server.url, bypass_csp=True
    ).new_page()
    sign_in(phone, "ofc.ruiz")
    log_arrest(phone)
    expect(phone.get_by_text("Entry saved and sent for review.")).to_be_visible()
    with app.app_context():
        contact = db.session.scalars(db.select(Contact)).one()
        contact.current.status = "approved"
        db.session.commit()
        entry_id = contact.id
    phone.goto(f"/entries/{entry_id}")
    settle(phone)
    phone.get_by_role("link", name="Amend this entry").click()
    expect(phone.get_by_role("heading", name="Amend approved entry")).to_be_visible()
    phone.get_by_label("Narrative", exact=True).fill("Two students were present, not one.")
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.locator("#amendment_explanation-error")).to_have_text(
        "Explain why you are amending this approved entry (at least 10 characters)."
    )
    phone.get_by_label("Why you are amending an approved entry").fill(
        "I miscounted the students present."
    )
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_text("Entry saved and sent for review.")).to_be_visible(timeout=15000)
    with app.app_context():
        amended = db.session.get(Contact, entry_id)
        assert [(r.number, r.status) for r in amended.revisions] == [
            (1, "approved"),
            (2, "submitted"),
        ]
        assert amended.current.amendment_explanation == "I miscounted the students present."
