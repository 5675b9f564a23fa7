"""Data dictionary v2 on a phone (real Chromium at a Pixel 7 viewport, real server): a restraint
and a search logged offline arrive with their facts; the setting follows the location; an
entry that waited on the phone across the upgrade comes back to be completed, never lost."""

import json

import pytest
from playwright.sync_api import expect

from logger import rules
from logger.core.models import Contact, User
from logger.extensions import db
from tests.browser.phone import (
    choose,
    describe_first_student,
    fill_mentoring,
    justify_last_resort,
    settle,
    tap_minutes,
    waiting_text,
)
from tests.factories import make_school, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def district(app):
    with app.app_context():
        make_user("ofc.ruiz", schools=[make_school("LHS", "Lincoln High School")])


def stored(app) -> list[dict]:
    with app.app_context():
        contacts = db.session.scalars(
            db.select(Contact).join(User).filter(User.username == "ofc.ruiz")
        ).all()
        return [
            {"content": c.current.content, "version": c.current.dictionary_version}
            for c in contacts
        ]


def setting(page) -> str | None:
    return page.evaluate(
        "() => (document.querySelector('input[name=setting]:checked') || {}).value"
    )


def test_a_restraint_and_a_search_logged_offline_arrive_with_their_facts(app, phone, phone_context):
    phone_context.set_offline(True)
    phone.goto("/entries/new")
    choose(phone, "Where", "Bus area")
    expect(phone.get_by_role("radio", name="School transportation")).to_be_checked()
    choose(phone, "Who started the contact", "School staff")
    choose(phone, "Classification", "Criminal")
    phone.get_by_label("Offense").select_option("drugs")
    tap_minutes(phone, "duration_minutes", 15)
    expect(phone.get_by_label("How long the contact lasted")).to_have_value("15")
    choose(phone, "Actions taken", "Search")
    choose(phone, "Actions taken", "Restraint")
    phone.get_by_role("button", name="Save entry").click()  # the phone's rules ask each new fact
    for field, message in [
        ("restraint_types", "Choose each kind of restraint used."),
        ("search_found", "Choose what the search found, or “Nothing found”."),
        (
            "parent_notified",
            "Say whether a parent or guardian was told of the search and restraint.",
        ),
    ]:
        expect(phone.locator(f"#{field}-error")).to_have_text(message)
    assert phone.get_by_role("heading", name="New contact").is_visible()

    choose(phone, "Kind of restraint", "Physical")
    choose(phone, "Kind of restraint", "Handcuffs")
    tap_minutes(phone, "restraint_minutes", 5)
    choose(phone, "Held face down (prone)", "No")
    choose(phone, "Legal basis for the search", "Reasonable suspicion")
    choose(phone, "What the search found", "Drugs")
    choose(phone, "Parent or guardian told", "Yes")
    choose(phone, "Principal told", "No")
    justify_last_resort(phone)
    choose(phone, "Injuries", "None")
    student = describe_first_student(phone, "Black", "Female")
    student.get_by_label("Perceived limited English").check()
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_role("heading", name="My entries")).to_be_visible()
    expect(waiting_text(phone)).to_have_text("1 entry waits to be sent")
    assert stored(app) == []

    phone_context.set_offline(False)
    settle(phone)
    expect(waiting_text(phone)).to_have_text("Nothing waiting", timeout=15000)
    [entry] = stored(app)
    content = entry["content"]
    assert entry["version"] == 2
    assert {
        name: content.get(name)
        for name in (
            "location",
            "setting",
            "duration_minutes",
            "restraint_types",
            "restraint_minutes",
            "restraint_prone",
            "search_basis",
            "search_found",
            "parent_notified",
            "principal_notified",
        )
    } == {
        "location": "bus_area",
        "setting": "school_transportation",
        "duration_minutes": 15,
        "restraint_types": ["physical", "mechanical_handcuffs"],
        "restraint_minutes": 5,
        "restraint_prone": False,
        "search_basis": "reasonable_suspicion",
        "search_found": ["drugs"],
        "parent_notified": True,
        "principal_notified": False,
    }
    assert content["students"][0]["perceived_limited_english"] is True
    assert "outcome_referrals" not in content and "detention_minutes" not in content
    crdc = rules.crdc(content)
    assert crdc["crdc_physical_restraint"] and crdc["crdc_mechanical_restraint"]
    assert not crdc["crdc_seclusion"]


def test_the_setting_follows_the_location_until_the_officer_chooses_one(phone):
    phone.goto("/entries/new")
    choose(phone, "Where", "Hallway")
    assert setting(phone) == "school_grounds"
    choose(phone, "Where", "Bus area")
    assert setting(phone) == "school_transportation"
    choose(phone, "Where", "Athletic event")  # on campus or off: the officer says which
    assert setting(phone) is None
    choose(phone, "Setting", "School activity off campus")
    choose(phone, "Where", "Hallway")
    assert setting(phone) == "school_activity_off_campus"  # the officer's choice stands


def test_an_entry_waiting_across_the_upgrade_comes_back_to_complete(app, phone, phone_context):
    """The phone still holds the v1 rules when the officer logs offline; the server, on v2,
    answers invalid naming the new fields; the entry opens in the form and is completed."""
    phone.evaluate(
        "(schema) => SROOutbox.putMeta('schema', schema)", json.loads(json.dumps(rules.describe(1)))
    )
    phone_context.set_offline(True)
    phone.goto("/entries/new")
    fill_mentoring(phone)
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_role("heading", name="My entries")).to_be_visible()
    expect(waiting_text(phone)).to_have_text("1 entry waits to be sent")

    phone_context.set_offline(False)
    phone.reload()  # back online: the page fetches the current rules and sends the outbox
    expect(phone.locator("[data-strip=attention]")).to_have_text("1 needs attention", timeout=15000)
    problem = phone.locator("#local-entries li").first
    expect(problem).to_contain_text("Choose the setting")
    assert stored(app) == []

    problem.get_by_role("link", name="Fix and resend").click()
    expect(phone.get_by_role("heading", name="Fix entry")).to_be_visible()
    expect(phone.locator("#setting-error")).to_contain_text("Choose the setting")
    expect(phone.get_by_role("radio", name="Hallway")).to_be_checked()
    expect(phone.get_by_role("radio", name="On school grounds")).to_be_checked()  # from Hallway
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_text("Entry saved and sent for review.")).to_be_visible(timeout=15000)
    [entry] = stored(app)
    assert entry["version"] == 2 and entry["content"]["setting"] == "school_grounds"


def test_a_detention_takes_fifteen_taps_and_three_short_texts(app, phone):
    """Time and school are filled in and the hallway sets the setting; the rest, tap by tap."""
    phone.goto("/entries/new")
    choose(phone, "Where", "Hallway")  # 1
    choose(phone, "Who started the contact", "School staff")  # 2
    choose(phone, "Classification", "Disciplinary")  # 3
    phone.get_by_label("School rule involved").select_option("fighting_no_injury")  # 4, 5
    phone.get_by_label("Why an officer, not school staff, handled this").fill(
        "The principal called me to separate two students still fighting."
    )  # text 1
    tap_minutes(phone, "duration_minutes", 30)  # 6
    choose(phone, "Actions taken", "Detention")  # 7
    tap_minutes(phone, "detention_minutes", 15)  # 8
    choose(phone, "Parent or guardian told", "Yes")  # 9
    choose(phone, "Principal told", "Yes")  # 10
    justify_last_resort(phone)  # text 2, tap 11, text 3
    describe_first_student(phone, "White", "Male")  # 12, 13, 14
    phone.get_by_role("button", name="Save entry").click()  # 15
    expect(phone.get_by_text("Entry saved and sent for review.")).to_be_visible(timeout=15000)
    [entry] = stored(app)
    assert {
        name: entry["content"][name]
        for name in (
            "setting",
            "duration_minutes",
            "detention_minutes",
            "parent_notified",
            "principal_notified",
        )
    } == {
        "setting": "school_grounds",
        "duration_minutes": 30,
        "detention_minutes": 15,
        "parent_notified": True,
        "principal_notified": True,
    }
