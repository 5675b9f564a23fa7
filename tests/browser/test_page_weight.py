"""Page weight on a phone (Pixel 7, real Chromium, real server): an officer page's first load,
the shell included, stays within 40 KB over the network, and once the service worker holds the
shell a repeat or offline load sends none of it again."""

import pytest
from playwright.sync_api import expect

from tests.browser.network import Wire, sign_in_without_a_page, wait_until_installed
from tests.factories import make_contact, make_school, make_user, mentoring_entry

pytestmark = pytest.mark.browser

# Bytes of shell on an officer page's first load, icons aside (issue 12): the bodies, compressed,
# of what the page asks for. Headers are counted apart (bench/page_weight.py): over HTTP/1.1 here
# each repeats in full, where a phone's HTTP/2 to the TLS proxy compresses them away.
BUDGET = 40 * 1024
HEADINGS = {"/entries/new": "New contact", "/entries": "My entries", "entry": "Mentoring contact"}


@pytest.fixture
def entry_path(app):
    """Officer Ruiz at Lincoln with one mentoring entry; the entry's page."""
    with app.app_context():
        school = make_school()
        ruiz = make_user("ofc.ruiz", schools=[school])
        return f"/entries/{make_contact(ruiz, mentoring_entry(school.id)).id}"


@pytest.fixture
def wire(app, monkeypatch):
    """Every response the live server sends, with its bytes."""
    recorder = Wire(app.wsgi_app)
    monkeypatch.setattr(app, "wsgi_app", recorder)
    return recorder


@pytest.fixture
def context(browser, playwright, live_server, entry_path):
    """A Pixel 7 with an empty cache and no service worker, signed in without loading a page."""
    context = browser.new_context(
        **playwright.devices["Pixel 7"], base_url=live_server.url, bypass_csp=True
    )
    sign_in_without_a_page(context, "ofc.ruiz")
    yield context
    context.close()


def breakdown(sent) -> str:
    return ", ".join(f"{s.path} {s.status} {s.body} B" for s in sent)


@pytest.mark.parametrize("page_key", ["/entries/new", "/entries", "entry"])
def test_first_load_within_budget_then_no_shell_byte_again(
    page_key, context, wire, live_server, entry_path
):
    path = entry_path if page_key == "entry" else page_key
    heading = HEADINGS[page_key]
    page = context.new_page()
    wire.clear()
    page.goto(path)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    wait_until_installed(page)  # the worker's own downloads count as part of the first load

    shell = wire.shell()
    own = [s for s in shell if not s.by_worker]
    assert {path, "/sw.js", "/api/v1/schema", "/static/app.css"} <= {s.path for s in own}
    assert all(s.encoding in ("gzip", "br") for s in shell if s.decoded >= 500), breakdown(shell)
    assert sum(s.body for s in own) <= BUDGET, breakdown(own)
    # The worker keeps the files the page just loaded without downloading them again: a
    # versioned file from the browser's cache, a module by a 304.
    loaded = {s.path for s in own}
    again = [s for s in shell if s.by_worker and s.path in loaded and s.path.startswith("/static/")]
    assert all(s.body == 0 for s in again), breakdown(again)

    wire.clear()
    page.reload()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("!!navigator.serviceWorker.controller")
    assert wire.static_text() == [], breakdown(wire.static_text())
    assert all(s.status == 304 for s in wire.sent if s.path == "/sw.js")  # checked, unchanged

    context.set_offline(True)
    wire.clear()
    live_server.requests.clear()
    page.reload()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator("[data-strip=network]")).to_have_text("Offline")
    # Only the browser's own check for a new worker, begun by the last navigation online, may
    # still arrive; nothing the page needs does.
    assert [s for s in wire.sent if s.dest != "serviceworker"] == []
    assert [r for r in live_server.requests if r != ("GET", "/sw.js")] == []
