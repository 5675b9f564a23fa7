"""An officer on a phone (Pixel 7, real Chromium, real server) logs contacts."""

import pytest
from playwright.sync_api import expect

from logger.core.models import Contact
from logger.extensions import db
from tests.browser.phone import choose, complete_arrest
from tests.factories import PASSWORD, make_school, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(app):
    with app.app_context():
        make_user("ofc.ruiz", schools=[make_school("LHS", "Lincoln High School")])


@pytest.fixture
def phone(browser, playwright, live_server, officer):
    context = browser.new_context(
        **playwright.devices["Pixel 7"], base_url=live_server.url, bypass_csp=True
    )
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("User name").fill("ofc.ruiz")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My entries")).to_be_visible()
    yield page
    context.close()


def stored_count(app) -> int:
    with app.app_context():
        return db.session.query(Contact).count()


def test_officer_logs_a_mentoring_contact_then_an_arrest_with_its_justification(app, phone):
    page = phone
    page.get_by_role("link", name="New contact").first.click()

    # Mentoring: six taps, nothing typed (time and school are filled in).
    choose(page, "Where", "Hallway")
    choose(page, "Who started the contact", "Student")
    choose(page, "Classification", "Mentoring")
    expect(page.get_by_role("heading", name="Justification")).to_be_hidden()
    expect(page.get_by_label("School rule involved")).to_be_hidden()
    choose(page, "Kind of mentoring", "Informal counseling")
    choose(page, "Actions taken", "None")
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Entry saved and sent for review.")).to_be_visible()
    expect(page.locator("#server-entries")).to_contain_text("Mentoring · Lincoln High School")
    expect(page.locator("[data-strip=waiting]")).to_have_text("Nothing waiting")

    # An arrest with no justification is refused, with the reasons beside the fields.
    page.get_by_role("link", name="New contact").first.click()
    choose(page, "Where", "Hallway")
    choose(page, "Who started the contact", "School staff")
    choose(page, "Classification", "Criminal")
    page.get_by_label("Offense").select_option("weapons")
    choose(page, "Actions taken", "Arrest")
    expect(page.get_by_role("heading", name="Justification")).to_be_visible()
    page.get_by_label("Narrative", exact=True).fill("Knife reported by staff in the gym.")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator("#justification-basis-error")).to_have_text(
        "Give the specific facts that made the arrest necessary (at least 30 characters)."
    )
    expect(page.locator("#justification-why_last_resort-error")).to_have_text(
        "Explain why arrest was a last resort (at least 30 characters)."
    )
    expect(page.locator("#students-error")).to_contain_text("Describe each student involved")
    expect(page.locator("#duration_minutes-error")).to_have_text(
        "Enter how many minutes the contact lasted, from 1 to 720."
    )
    expect(page.locator("#outcome_referrals-error")).to_have_text(
        "Choose where the student was referred after the arrest, or “No referral”."
    )
    expect(page.locator("#principal_notified-error")).to_have_text(
        "Say whether the principal was told of the arrest."
    )
    expect(page.get_by_role("radio", name="On school grounds")).to_be_checked()  # from Hallway
    expect(page.get_by_label("Narrative", exact=True)).to_have_value(
        "Knife reported by staff in the gym."
    )
    expect(page.get_by_role("radio", name="Criminal")).to_be_checked()
    assert stored_count(app) == 1

    # Completed, it is saved and shows in My entries with its flag.
    complete_arrest(page)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Entry saved and sent for review.")).to_be_visible()
    first = page.locator("#server-entries li.entry").first
    expect(first).to_contain_text("Criminal · Lincoln High School")
    expect(first.locator(".flag")).to_have_text(["Arrest"])
    assert stored_count(app) == 2


def test_the_form_fits_360_px_and_its_targets_are_thumb_sized(phone):
    page = phone
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/entries/new")
    choose(page, "Classification", "Disciplinary")
    for action in ("Arrest", "Use of force", "Restraint"):
        choose(page, "Actions taken", action)
    expect(page.get_by_role("heading", name="Justification")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    small = page.evaluate("""() => [...document.querySelectorAll(
        '#contact-form label.chip, #contact-form select, #contact-form button, '
        + '#contact-form input:not([type=hidden]):not([type=radio]):not([type=checkbox])')]
        .filter(el => el.offsetParent !== null && !el.closest('details:not([open])'))
        .filter(el => el.getBoundingClientRect().height < 44)
        .map(el => el.textContent.trim() || el.id)""")
    assert small == []


def test_without_javascript_every_section_shows_and_the_server_still_checks(
    app, browser, playwright, live_server, officer
):
    context = browser.new_context(
        **playwright.devices["Pixel 7"],
        base_url=live_server.url,
        bypass_csp=True,
        java_script_enabled=False,
    )
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("User name").fill("ofc.ruiz")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/entries/new")
    expect(page.get_by_role("heading", name="Justification")).to_be_visible()
    expect(page.get_by_label("School rule involved")).to_be_visible()
    choose(page, "Where", "Hallway")
    choose(page, "Who started the contact", "Officer")
    choose(page, "Classification", "Disciplinary")
    choose(page, "Actions taken", "Detention")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator("#involvement_reason-error")).to_contain_text("sworn officer")
    expect(page.locator("#justification-why_last_resort-error")).to_have_text(
        "Explain why detention was a last resort (at least 30 characters)."
    )
    assert stored_count(app) == 0
    context.close()


def test_students_can_be_described_when_it_is_optional(phone):
    page = phone
    page.goto("/entries/new")
    choose(page, "Actions taken", "Verbal warning")
    page.get_by_label("Students involved").fill("2")
    expect(page.locator("fieldset.student")).to_have_count(1)
    expect(page.locator("fieldset.student").first).to_be_hidden()
    page.get_by_role("button", name="Describe the students (optional)").click()
    expect(page.locator("fieldset.student")).to_have_count(2)
    choose(page.locator("fieldset.student").nth(1), "Grade band", "Middle")
    choose(page, "Actions taken", "Verbal warning")  # unticked: nothing typed is hidden
    expect(page.locator("fieldset.student").nth(1)).to_be_visible()


def test_copy_student_keeps_the_grade_band_resets_the_rest_and_the_count_follows(app, phone):
    page = phone
    page.get_by_role("link", name="New contact").first.click()
    choose(page, "Where", "Hallway")
    choose(page, "Who started the contact", "School staff")
    choose(page, "Classification", "Criminal")
    page.get_by_label("Offense").select_option("assault")
    choose(page, "Actions taken", "Arrest")
    complete_arrest(page)  # the first student: high school, white, male
    page.get_by_role("button", name="Copy student (same grade band)").click()
    expect(page.get_by_label("Students involved")).to_have_value("2")
    second = page.locator("fieldset.student").nth(1)
    expect(second.get_by_role("radio", name="High")).to_be_checked()
    expect(second.get_by_role("checkbox", name="White")).not_to_be_checked()
    choose(second, "Perceived race", "Black")
    choose(second, "Perceived gender", "Female")
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Entry saved and sent for review.")).to_be_visible()
    with app.app_context():
        [contact] = db.session.scalars(db.select(Contact)).all()
        content = contact.current.content
    assert content["students_involved"] == 2
    assert [
        (s["grade_band"], s["perceived_race"], s["perceived_gender"]) for s in content["students"]
    ] == [("high", ["white"], "male"), ("high", ["black"], "female")]
