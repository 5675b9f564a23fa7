"""Templates on a phone (real Chromium at a Pixel 7 viewport, real server): saved from the form,
used with one tap — a mentoring contact in three taps — and used offline, even after the
template was retired elsewhere: the entry is checked by the rules, never lost."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from logger.core.models import Contact, EntryTemplate, EntryTiming, User
from logger.extensions import db
from tests.browser.phone import eventually, fill_mentoring, log_mentoring, settle, waiting_text
from tests.factories import make_school, make_user

pytestmark = pytest.mark.browser

LUNCH = {
    "location": "cafeteria",
    "setting": "school_grounds",
    "initiated_by": "student",
    "classification": "mentoring",
    "mentoring_type": "informal_counseling",
    "actions": ["none"],
}


@pytest.fixture
def district(app):
    with app.app_context():
        make_user("ofc.ruiz", schools=[make_school("LHS", "Lincoln High School")])


def stored(app) -> list[dict]:
    with app.app_context():
        return [
            c.current.content
            for c in db.session.scalars(
                db.select(Contact).join(User).filter(User.username == "ofc.ruiz")
            )
        ]


def keep_template(app, name: str, fields: dict) -> int:
    with app.app_context():
        ruiz = db.session.scalar(db.select(User).filter_by(username="ofc.ruiz"))
        template = EntryTemplate(name=name, owner=ruiz, fields=fields)
        db.session.add(template)
        db.session.commit()
        return template.id


def kept_on_the_phone(page) -> None:
    """Open My entries online and wait until the phone keeps the officer's templates."""
    page.goto("/entries")
    eventually(
        page,
        "async () => ((await SROOutbox.getMeta('templates:' + SROApp.officerId)) || []).length > 0",
    )


def test_a_template_saved_from_the_form_makes_mentoring_three_taps(app, phone):
    phone.goto("/entries/new")
    fill_mentoring(phone)
    phone.locator("#save-template summary").click()
    phone.get_by_label("Template name").fill("Hallway check-in")
    phone.get_by_role("button", name="Save template").click()
    expect(phone.locator("#save-template [role=status]")).to_have_text(
        "Saved as “Hallway check-in”. It is offered at the top of New contact."
    )

    phone.goto("/entries")
    phone.get_by_role("link", name="New contact").first.click()  # tap 1
    phone.locator("#templates").get_by_role("button", name="Hallway check-in").click()  # tap 2
    expect(phone.get_by_role("radio", name="Informal counseling")).to_be_checked()
    phone.get_by_role("button", name="Save entry").click()  # tap 3
    expect(phone.get_by_text("Entry saved and sent for review.")).to_be_visible(timeout=15000)
    [content] = stored(app)
    assert {name: content[name] for name in LUNCH} == {**LUNCH, "location": "hallway"}
    assert "narrative" not in content or content["narrative"] == ""
    with app.app_context():  # timed on the phone: how long, and that a template was used
        [timing] = db.session.scalars(db.select(EntryTiming)).all()
        assert timing.template_used and 1 <= timing.seconds < 600


def test_a_template_never_takes_what_is_written_fresh(app, phone):
    keep_template(app, "Lunch duty check-in", LUNCH)
    kept_on_the_phone(phone)
    phone.goto("/entries/new")
    phone.get_by_label("Narrative", exact=True).fill("Talked about the science fair.")
    phone.locator("#templates").get_by_role("button", name="Lunch duty check-in").click()
    expect(phone.get_by_label("Narrative", exact=True)).to_have_value(
        "Talked about the science fair."
    )  # what was typed stays
    expect(phone.get_by_role("radio", name="Cafeteria")).to_be_checked()


def test_templates_work_offline_even_once_retired_elsewhere(app, phone, phone_context):
    template_id = keep_template(app, "Lunch duty check-in", LUNCH)
    kept_on_the_phone(phone)
    with app.app_context():  # retired on another phone meanwhile
        db.session.get(EntryTemplate, template_id).deleted_at = datetime.now(UTC)
        db.session.commit()
    phone_context.set_offline(True)
    phone.goto("/entries/new")
    phone.locator("#templates").get_by_role("button", name="Lunch duty check-in").click()
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_role("heading", name="My entries")).to_be_visible()
    expect(waiting_text(phone)).to_have_text("1 entry waits to be sent")
    phone_context.set_offline(False)
    settle(phone)
    expect(waiting_text(phone)).to_have_text("Nothing waiting", timeout=15000)
    [content] = stored(app)
    assert content["location"] == "cafeteria" and content["mentoring_type"] == "informal_counseling"


def test_same_as_last_fills_the_school_setting_location_and_classification(app, phone):
    log_mentoring(phone, "Lunch table check-in.")
    phone.get_by_role("link", name="New contact").first.click()
    phone.locator("#templates").get_by_role("button", name="Same as last").click()
    expect(phone.get_by_role("radio", name="Hallway")).to_be_checked()
    expect(phone.get_by_role("radio", name="On school grounds")).to_be_checked()
    expect(phone.get_by_role("radio", name="Mentoring", exact=True)).to_be_checked()
    expect(phone.get_by_role("radio", name="Informal counseling")).not_to_be_checked()
    expect(phone.get_by_label("Narrative", exact=True)).to_have_value("")  # never repeated


def test_the_officer_s_most_used_choices_come_first_offline_too(app, phone, phone_context):
    def first_chip(field: str) -> str:
        return phone.locator(f"#{field} label.chip").first.text_content().strip()

    phone.goto("/entries/new")
    assert first_chip("location") == "Classroom"  # the rules' order, before any entry
    phone_context.set_offline(True)
    for waiting in ("1 entry waits to be sent", "2 entries wait to be sent"):
        phone.goto("/entries/new")
        phone.get_by_role("group", name="Where").get_by_label("Cafeteria", exact=True).check()
        fill_rest = phone.get_by_role("group", name="Who started the contact")
        fill_rest.get_by_label("Parent or guardian", exact=True).check()
        phone.get_by_role("group", name="Classification").get_by_label(
            "Mentoring", exact=True
        ).check()
        phone.get_by_role("group", name="Kind of mentoring").get_by_label(
            "Family engagement", exact=True
        ).check()
        phone.get_by_role("group", name="Actions taken").get_by_label(
            "Parent contacted", exact=True
        ).check()
        phone.get_by_role("button", name="Save entry").click()
        expect(phone.get_by_role("heading", name="My entries")).to_be_visible()
        expect(waiting_text(phone)).to_have_text(waiting)
    phone.goto("/entries/new")
    expect(phone.get_by_role("group", name="Where").locator("label.chip").first).to_have_text(
        "Cafeteria"
    )
    assert first_chip("initiated_by") == "Parent or guardian"
    assert first_chip("mentoring_type") == "Family engagement"
    assert first_chip("actions") == "Parent contacted"
