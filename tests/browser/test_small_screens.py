"""Every page of every role at home on a small phone (issue 12): nothing scrolls sideways at
360 px, and a supervisor opens, reads and decides an entry one-handed."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.pages import ROLES, WIDTH, make_district, phone_page, sign_in, walk
from tests.browser.phone import log_mentoring, waiting_text

pytestmark = pytest.mark.browser

# The outermost elements that stick out on the right, outside any container that scrolls
# sideways by itself: what makes the page scroll.
CULPRITS = """(width) => {
    const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
    const inScroller = (el) => { for (let p = el.parentElement; p; p = p.parentElement)
        if (scrolls(p)) return true; return false; };
    const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + [...el.classList].map((c) => '.' + c).join('');
    return [...document.body.querySelectorAll('*')]
        .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !inScroller(el)
                && !(el.parentElement.getBoundingClientRect().right > width + 0.5))
        .slice(0, 4).map((el) => `${name(el)} to ${Math.round(el.getBoundingClientRect().right)}`);
}"""


@pytest.fixture
def district(app):
    return make_district(app)


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "signed-out"])
def test_no_page_scrolls_sideways_at_360px(app, browser, live_server, district, role):
    page = phone_page(browser, live_server.url)
    if role:
        sign_in(page, role)
    sideways, walked = [], 0
    for url in walk(page, app, district, role):
        walked += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            sideways.append(f"{url}: {width} px wide ({', '.join(page.evaluate(CULPRITS, WIDTH))})")
    page.context.close()
    print(f"{role or 'signed out'}: {walked} pages walked at {WIDTH} px")
    assert walked >= 2
    assert not sideways, f"{role or 'signed out'}: pages wider than {WIDTH} px:\n" + "\n".join(
        sideways
    )


def thumb_sized(locator) -> None:
    """Tappable with a thumb: at least 44 px tall, and wholly on the screen's width."""
    box = locator.bounding_box()
    assert box["height"] >= 44, f"{locator} is {box['height']} px tall"
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, f"{locator} is off the screen"


def test_a_supervisor_decides_an_entry_one_handed(app, browser, live_server, district):
    page = phone_page(browser, live_server.url)
    sign_in(page, "supervisor")
    page.get_by_role("link", name="Open the review queue").click()
    opened = page.locator("table.queue tbody tr").filter(has_text="Arrest").get_by_role("link")
    thumb_sized(opened)
    opened.click()
    expect(page.get_by_role("heading", name="Justification")).to_be_visible()
    for choice in ("Approve", "Return for correction"):
        thumb_sized(page.locator("label.chip").filter(has_text=choice))
    record = page.get_by_role("button", name="Record decision")
    thumb_sized(record)
    page.get_by_text("Approve", exact=True).tap()
    page.get_by_label("Comment", exact=False).fill("Justified: the search found a second knife.")
    record.tap()
    expect(page.get_by_text("Approved.")).to_be_visible()
    page.context.close()


# Every layout shift since the page began that no tap or key caused, as Lighthouse counts them.
SHIFTS = """() => new Promise((done) => new PerformanceObserver((list, observer) => {
    observer.disconnect();
    done(list.getEntries().filter((e) => !e.hadRecentInput).reduce((s, e) => s + e.value, 0));
}).observe({type: 'layout-shift', buffered: true}))"""


def shift_after_sync(page, path: str) -> float:
    """Open an officer's page, wait for the status strip and one sync, and measure the shift."""
    page.goto(path)
    expect(page.locator("#sync-strip:not(.pending) [data-strip=last]")).to_contain_text("Last sync")
    page.evaluate("SROApp.syncNow()")
    page.evaluate("document.body.offsetHeight")  # a layout, so every shift has been reported
    return page.evaluate(
        f"Promise.race([({SHIFTS})(), new Promise((r) => setTimeout(() => r(0), 1000))])"
    )


def test_the_status_strip_and_the_start_buttons_move_nothing_as_they_arrive(
    browser, live_server, district
):
    page = phone_page(browser, live_server.url)
    sign_in(page, "officer")
    # The scripts (the strip's, the templates') arrive after the page is drawn, as on a slow
    # phone.
    page.route(re.compile(r"\.js(\?|$)"), lambda route: (time.sleep(0.3), route.continue_()))
    assert shift_after_sync(page, "/entries/new") < 0.01, "New contact moved as it was filled in"
    expect(page.get_by_role("button", name="Same as last")).to_be_visible()
    assert shift_after_sync(page, "/entries") < 0.01, "My entries moved as its strip arrived"
    page.context.close()


def test_the_strip_message_floats_at_the_foot_until_dismissed(phone, phone_context):
    main_top = phone.locator("#main").bounding_box()["y"]
    phone_context.set_offline(True)
    log_mentoring(phone, "Logged with no signal.")
    message = phone.locator("[data-strip=message]")
    expect(message).to_contain_text("Offline: entries stay on this phone")
    height = phone.viewport_size["height"]
    box = phone.locator(".strip-message").bounding_box()
    assert height / 2 < box["y"] and box["y"] + box["height"] <= height, "not at the foot"
    assert phone.locator("#main").bounding_box()["y"] == main_top
    phone.locator(".strip-message").get_by_role("button", name="OK").tap()
    expect(message).to_be_hidden()
    phone.reload()
    expect(waiting_text(phone)).to_have_text("1 entry waits to be sent")
    expect(message).to_be_hidden()  # dismissed for this tab, as long as it says the same
