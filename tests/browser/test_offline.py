"""Offline first (real Chromium at a phone viewport, real server): entries wait safely on the
phone and reach the server exactly once, whatever fails in between."""

import json

import pytest
from playwright.sync_api import expect

from logger.core.models import Assignment, Contact, User
from logger.extensions import db
from logger.officer import shell
from tests.browser.phone import (
    choose,
    eventually,
    fill_mentoring,
    log_arrest,
    log_mentoring,
    settle,
    sign_in,
    tap_minutes,
    waiting_text,
)
from tests.factories import ASSIGNED_SINCE, make_school, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def district(app):
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        make_user("ofc.ruiz", schools=[lincoln])
        make_user("ofc.chen", schools=[lincoln])


def stored(app, username="ofc.ruiz") -> list[Contact]:
    with app.app_context():
        return db.session.scalars(
            db.select(Contact).join(User).filter(User.username == username)
        ).all()


def test_the_app_opens_with_no_network_without_asking_the_server(phone, phone_context, live_server):
    phone_context.set_offline(True)
    live_server.requests.clear()
    phone.reload()
    expect(phone.get_by_role("heading", name="My entries")).to_be_visible()
    phone.get_by_role("link", name="New contact").first.click()
    expect(phone.get_by_role("heading", name="New contact")).to_be_visible()
    expect(phone.locator("[data-strip=network]")).to_have_text("Offline")
    choose(phone, "Classification", "Criminal")
    choose(phone, "Actions taken", "Arrest")
    expect(phone.get_by_role("heading", name="Justification")).to_be_visible()
    assert live_server.requests == []


def test_entries_made_offline_arrive_exactly_once_when_the_network_returns(
    app, phone, phone_context, live_server
):
    phone_context.set_offline(True)
    log_mentoring(phone, "First contact of the day.")
    log_mentoring(phone, "Second contact of the day.")
    log_arrest(phone)
    expect(waiting_text(phone)).to_have_text("3 entries wait to be sent")
    expect(phone.locator("#local-entries li")).to_have_count(3)
    assert not any(path == "/api/v1/sync" for _, path in live_server.requests)
    phone.close()

    reopened = phone_context.new_page()
    reopened.goto("/entries")
    expect(waiting_text(reopened)).to_have_text("3 entries wait to be sent")
    phone_context.set_offline(False)
    expect(waiting_text(reopened)).to_have_text("Nothing waiting", timeout=15000)
    expect(reopened.locator("#server-entries li.entry")).to_have_count(3)
    entries = stored(app)
    assert len(entries) == 3
    with app.app_context():
        arrest = db.session.get(Contact, [e.id for e in entries if e.current_revision == 1][0])
        assert arrest.current_revision == 1


def test_a_server_error_then_a_lost_response_still_store_each_entry_once(
    app, browser, playwright, live_server, district
):
    phone_context = browser.new_context(
        **playwright.devices["Pixel 7"],
        base_url=live_server.url,
        bypass_csp=True,
        service_workers="block",
    )
    page = phone_context.new_page()
    sign_in(page, "ofc.ruiz")
    attempts = []

    def flaky_sync(route):
        attempts.append(route.request.post_data_json)
        if len(attempts) == 1:
            route.fulfill(status=500, body="boom")
        elif len(attempts) == 2:
            route.fetch()  # the server stores the batch...
            route.abort("connectionreset")  # ...and the answer never reaches the phone
        else:
            route.continue_()

    page.route("**/api/v1/sync", flaky_sync)
    log_mentoring(page, "Sent three times, stored once.")
    log_arrest(page)
    expect(waiting_text(page)).to_have_text("Nothing waiting", timeout=20000)
    assert len(attempts) >= 3
    assert len(stored(app)) == 2
    assert all(len(a["entries"]) >= 1 for a in attempts)
    phone_context.close()


def test_an_expired_session_pauses_sending_and_never_sends_under_another_account(
    app, phone, phone_context
):
    phone_context.set_offline(True)
    log_mentoring(phone, "Logged just before the session ended.")
    phone_context.clear_cookies()  # the session is gone
    phone_context.set_offline(False)
    phone.get_by_role("button", name="Sync now").click()
    expect(phone.locator("[data-strip=message]")).to_contain_text("sign in again")
    expect(waiting_text(phone)).to_have_text("1 entry waits to be sent")
    assert stored(app) == []

    sign_in(phone, "ofc.chen")  # a second officer on the same phone
    expect(phone.locator("#local-entries li")).to_have_count(0)
    expect(waiting_text(phone)).to_have_text("Nothing waiting")
    phone.get_by_role("button", name="Sync now").click()
    expect(phone.locator("[data-strip=last]")).to_contain_text("Last sync")
    assert stored(app, "ofc.chen") == [] and stored(app) == []

    phone.locator("#logout-form button").click()
    expect(phone.get_by_text("You are signed out.")).to_be_visible()
    sign_in(phone, "ofc.ruiz")
    expect(waiting_text(phone)).to_have_text("Nothing waiting", timeout=15000)
    [contact] = stored(app)
    with app.app_context():
        assert (
            db.session.get(Contact, contact.id).current.content["narrative"]
            == "Logged just before the session ended."
        )


def test_an_entry_the_server_refuses_needs_attention_and_can_be_fixed(app, phone, phone_context):
    with app.app_context():  # the officer was moved off this school after the form was cached
        ruiz = db.session.scalar(db.select(User).filter_by(username="ofc.ruiz"))
        kept = Assignment(
            officer=ruiz,
            school=make_school("AMS", "Adams Middle", "middle"),
            starts_on=ASSIGNED_SINCE,
        )
        db.session.add(kept)
        db.session.commit()
    phone_context.set_offline(True)
    phone.goto("/entries/new")
    phone.evaluate("""() => {  // an entry as an older version of the app would have sent it
        const form = document.getElementById('contact-form');
        form.querySelector('#school_id')
            .insertAdjacentHTML('beforeend', '<option value="999">Gone</option>');
    }""")
    phone.get_by_label("School", exact=True).select_option("999")
    fill_mentoring(phone)
    phone.get_by_role("button", name="Save entry").click()
    phone_context.set_offline(False)
    expect(phone.locator("[data-strip=attention]")).to_have_text("1 needs attention", timeout=15000)
    problem = phone.locator("#local-entries li").first
    expect(problem).to_contain_text("Needs attention")
    expect(problem).to_contain_text("Choose one of the schools you are assigned to.")
    assert stored(app) == []

    problem.get_by_role("link", name="Fix and resend").click()
    expect(phone.get_by_role("heading", name="Fix entry")).to_be_visible()
    expect(phone.locator("#school_id-error")).to_have_text(
        "Choose one of the schools you are assigned to."
    )
    expect(phone.get_by_role("radio", name="Hallway")).to_be_checked()
    phone.get_by_label("School", exact=True).select_option(label="Adams Middle")
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_text("Entry saved and sent for review.")).to_be_visible(timeout=15000)
    expect(phone.locator("[data-strip=attention]")).to_be_hidden()
    [contact] = stored(app)
    with app.app_context():
        assert db.session.get(Contact, contact.id).current.school.name == "Adams Middle"


def test_two_tabs_sending_the_same_queue_store_each_entry_once(app, phone, phone_context):
    phone_context.set_offline(True)
    for n in range(4):
        log_mentoring(phone, f"Queued entry {n}.")
    second = phone_context.new_page()
    second.goto("/entries")
    expect(waiting_text(second)).to_have_text("4 entries wait to be sent")
    phone_context.set_offline(False)
    phone.evaluate("SROApp.syncNow()")
    second.evaluate("SROApp.syncNow()")
    expect(waiting_text(phone)).to_have_text("Nothing waiting", timeout=15000)
    expect(waiting_text(second)).to_have_text("Nothing waiting", timeout=15000)
    assert len(stored(app)) == 4


def test_a_draft_survives_a_reload_and_waiting_entries_can_be_downloaded(phone, phone_context):
    phone.goto("/entries/new")
    choose(phone, "Classification", "Criminal")
    phone.get_by_label("Narrative", exact=True).fill("Half-typed when the phone died.")
    eventually(
        phone, "async () => !!(await SROOutbox.getDraft(document.body.dataset.officerId + ':new'))"
    )
    phone.reload()
    expect(phone.get_by_text("Your unsaved entry was restored.")).to_be_visible()
    expect(phone.get_by_label("Narrative", exact=True)).to_have_value(
        "Half-typed when the phone died."
    )
    expect(phone.get_by_role("radio", name="Criminal")).to_be_checked()

    phone_context.set_offline(True)
    log_mentoring(phone, "Stuck in the queue.")
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Download waiting entries").click()
    saved = json.loads(open(download.value.path()).read())
    assert [e["contact"]["narrative"] for e in saved["entries"]] == ["Stuck in the queue."]


def test_a_returned_entry_is_fixed_offline_and_resent_as_a_new_revision(app, phone, phone_context):
    log_mentoring(phone, "Talked about attendance.")
    expect(phone.get_by_text("Entry saved and sent for review.")).to_be_visible()
    [contact] = stored(app)
    with app.app_context():  # a supervisor returns it (the review queue is a later issue)
        db.session.get(Contact, contact.id).current.status = "returned"
        db.session.commit()
    phone.goto("/entries")
    settle(phone)  # the phone now holds the server's copy of its entries
    fix = phone.locator("#server-entries li.entry").first.get_by_role("link", name="Fix and resend")
    phone_context.set_offline(True)
    fix.click()
    expect(phone.get_by_role("heading", name="Fix entry")).to_be_visible()
    expect(phone.get_by_label("Narrative", exact=True)).to_have_value("Talked about attendance.")
    phone.get_by_label("Narrative", exact=True).fill("Talked about attendance and a tutoring plan.")
    phone.get_by_role("button", name="Save entry").click()
    expect(waiting_text(phone)).to_have_text("1 entry waits to be sent")
    phone_context.set_offline(False)
    expect(phone.get_by_text("Entry saved and sent for review.")).to_be_visible(timeout=15000)
    with app.app_context():
        fixed = db.session.get(Contact, contact.id)
        assert fixed.current_revision == 2 and fixed.current.status == "submitted"
        assert fixed.current.content["narrative"] == "Talked about attendance and a tutoring plan."


def test_an_entry_valid_under_old_rules_is_invalid_on_the_server_and_fixed(
    app, phone, phone_context
):
    """The phone's cached rules are older than the server's: the server's word stands."""
    phone.evaluate("""async () => {
        const schema = await SROOutbox.getMeta('schema');
        schema.fields.find(f => f.name === 'involvement_reason').min_length = 5;
        await SROOutbox.putMeta('schema', schema);
    }""")
    phone_context.set_offline(True)
    phone.goto("/entries/new")
    choose(phone, "Where", "Hallway")
    choose(phone, "Who started the contact", "School staff")
    choose(phone, "Classification", "Disciplinary")
    phone.get_by_label("School rule involved").select_option("defiance")
    phone.get_by_label("Why an officer, not school staff, handled this").fill("Asked to.")
    tap_minutes(phone, "duration_minutes", 15)
    choose(phone, "Actions taken", "Verbal warning")
    phone.get_by_role("button", name="Save entry").click()
    expect(waiting_text(phone)).to_have_text("1 entry waits to be sent")
    phone_context.set_offline(False)
    expect(phone.locator("[data-strip=attention]")).to_have_text("1 needs attention", timeout=15000)
    reason = (
        "Explain why a sworn officer, not school staff, handled this school-discipline "
        "matter (at least 20 characters)."
    )
    expect(phone.locator("#local-entries li").first).to_contain_text(reason)
    assert stored(app) == []

    phone.locator("#local-entries li").first.get_by_role("link", name="Fix and resend").click()
    expect(phone.locator("#involvement_reason-error")).to_have_text(reason)
    phone.get_by_label("Why an officer, not school staff, handled this").fill(
        "The assistant principal asked for help with a student refusing to leave the bus."
    )
    phone.get_by_role("button", name="Save entry").click()
    expect(phone.get_by_text("Entry saved and sent for review.")).to_be_visible(timeout=15000)
    assert len(stored(app)) == 1


def test_a_new_version_waits_until_the_officer_asks_for_it(app, phone, monkeypatch):
    old = f"sro-shell-{shell.shell_version(app.static_folder)}"
    monkeypatch.setattr(shell, "shell_version", lambda folder: "next-version")  # a deploy
    phone.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    update = phone.get_by_role("button", name="New version ready — reload")
    expect(update).to_be_visible(timeout=15000)
    assert old in phone.evaluate("caches.keys()")  # the page still runs on the old shell
    with phone.expect_navigation():
        update.click()
    eventually(phone, "async () => (await caches.keys()).includes('sro-shell-next-version')")
    eventually(phone, f"async () => !(await caches.keys()).includes('{old}')")


def test_a_double_tap_on_save_stores_one_entry(app, phone, phone_context):
    phone_context.set_offline(True)
    phone.goto("/entries/new")
    fill_mentoring(phone)
    phone.get_by_role("button", name="Save entry").dblclick()
    expect(waiting_text(phone)).to_have_text("1 entry waits to be sent")
    phone_context.set_offline(False)
    expect(waiting_text(phone)).to_have_text("Nothing waiting", timeout=15000)
    assert len(stored(app)) == 1


def test_the_next_officer_never_gets_the_last_officers_pages(app, phone, phone_context):
    with app.app_context():
        chen_id = db.session.scalar(db.select(User.id).filter_by(username="ofc.chen"))
    phone_context.clear_cookies()  # Ruiz's session ends without signing out
    sign_in(phone, "ofc.chen")
    settle(phone)
    owners = phone.evaluate("""async () => {
        const pages = await caches.open('sro-pages');
        const owners = [];
        for (const request of await pages.keys()) {
            const html = await (await pages.match(request)).text();
            const page = new DOMParser().parseFromString(html, 'text/html');
            owners.push(Number(page.body.dataset.officerId));
        }
        return owners;
    }""")
    assert owners and set(owners) == {chen_id}
