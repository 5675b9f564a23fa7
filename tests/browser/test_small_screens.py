"""Every page of every role at home on a small phone (issue 12): nothing scrolls sideways at
360 px, and a supervisor opens, reads and decides an entry one-handed."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import ROLES, WIDTH, make_district, phone_page, sign_in, walk

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
    assert not sideways, f"{role or 'signed out'}: pages wider than {WIDTH} px:\n" + \
        "\n".join(sideways)


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
