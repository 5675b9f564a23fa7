"""An evaluator reads and prints the assessment; a member of the public reads the summary."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from logger.core import clock
from logger.core.models import Setting
from logger.extensions import db
from logger.public import summary
from logger.review import workflow
from tests.factories import (
    PASSWORD,
    arrest_entry,
    make_contact,
    make_school,
    make_user,
    mentoring_entry,
)

pytestmark = pytest.mark.browser
ZONE = ZoneInfo("America/Chicago")


@pytest.fixture
def approved_year(app):
    """Twelve approved contacts at Lincoln in autumn 2025, two of them arrests, counted into
    the published public summary."""
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        park = make_user("sgt.park", role="supervisor")
        ruiz = make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
        make_user("eval.ode", role="evaluator")
        moment = datetime(2025, 10, 6, 9, tzinfo=ZONE)
        for number in range(12):
            build = arrest_entry if number < 2 else mentoring_entry
            moment += timedelta(days=1)
            contact = make_contact(
                ruiz,
                build(lincoln.id, occurred_at=moment.isoformat()),
                received_at=moment + timedelta(minutes=10),
            )
            workflow.decide(
                park,
                contact.id,
                1,
                "approve",
                "Checked.",
                decided_at=moment + timedelta(hours=20),
                client_addr=None,
            )
        db.session.add(Setting(name="public_summary", value={"published": True}))
        summary.count_settled(clock.today(), actor=None, client_addr=None)  # the daily count
        db.session.commit()


def test_an_evaluator_reads_the_charts_and_prints_the_report(browser, live_server, approved_year):
    # The app's own Content-Security-Policy applies: the charts need no script and no inline style.
    desk = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, bypass_csp=False
    ).new_page()
    desk.goto("/login")
    desk.get_by_label("User name").fill("eval.ode")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Assessment").click()

    expect(
        desk.get_by_role("heading", name="Annual program assessment, school year 2025–26")
    ).to_be_visible()
    chart = desk.get_by_role("img", name="Enforcement actions per 100 contacts", exact=False)
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] > 300
    arrests = desk.locator("figure.chart rect", has=desk.locator("title", has_text="Arrest,"))
    assert arrests.evaluate("bar => getComputedStyle(bar).fill") == "rgb(0, 114, 178)"
    assert arrests.bounding_box()["width"] > 0
    expect(desk.locator("#actions")).to_contain_text("16.7")  # 2 arrests in 12 contacts

    desk.emulate_media(media="print")
    expect(desk.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(desk.get_by_role("button", name="Show")).to_be_hidden()
    expect(chart).to_be_visible()
    assert desk.pdf()[:5] == b"%PDF-"


def test_anyone_reads_the_published_summary_on_a_phone_and_downloads_it(
    browser, playwright, live_server, approved_year
):
    phone = browser.new_context(
        **playwright.devices["Pixel 7"], base_url=live_server.url, bypass_csp=False
    ).new_page()
    phone.goto("/login")
    phone.get_by_role("link", name="public summary of the SRO program").click()

    quarter = phone.get_by_role("table", name="2025 Q4 (October–December)", exact=True)
    expect(quarter).to_be_visible()
    lincoln = quarter.get_by_role("row", name="Lincoln High School")
    # 2 criminal contacts with 2 arrests hidden; 10 mentoring; the total only of what is shown.
    expect(lincoln.get_by_role("cell")).to_have_text(
        ["0", "<10", "10", "10+", "0", "0", "0", "0", "<10", "0"]
    )
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download as CSV").click()
    text = open(download.value.path()).read()
    assert "2025-Q4,Lincoln High School,0,<10,10,10+,0,0,0,0,<10,0" in text
