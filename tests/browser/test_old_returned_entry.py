"""An officer with more entries than one response of the sync API carries (real Chromium at a
phone viewport, real server): the oldest, returned a year ago, still reaches the phone and is
fixed there with no signal."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from logger import rules
from logger.core.models import Contact, ContactRevision, ReviewDecision
from logger.extensions import db
from sync.api import ENTRIES_PAGE_SIZE
from tests.browser.phone import settle, sign_in, wait_for_offline_shell, waiting_text
from tests.factories import make_school, make_user, mentoring_entry

pytestmark = pytest.mark.browser

BACKLOG = ENTRIES_PAGE_SIZE + 1
COMMENT = "Say what the student said before you stepped in."


@pytest.fixture
def oldest_returned(app) -> str:
    """Ruiz's entries, one more than a response holds, written straight to the database;
    sergeant Park returned the oldest a year ago. Returns its id."""
    now = datetime.now(UTC)
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        park = make_user("sgt.park", "supervisor")
        ruiz = make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
        entries, revisions = [], []
        for n in range(BACKLOG):
            received = now - timedelta(days=400) + timedelta(hours=n)
            entry_id = uuid.uuid4()
            content = mentoring_entry(
                lincoln.id,
                narrative=f"Hallway talk number {n}.",
                occurred_at=(received - timedelta(hours=1)).isoformat(),
            )
            entries.append(
                {
                    "id": entry_id,
                    "officer_id": ruiz.id,
                    "current_revision": 1,
                    "created_at": received,
                    "updated_at": received,
                }
            )
            revisions.append(
                {
                    "contact_id": entry_id,
                    "number": 1,
                    "officer_id": ruiz.id,
                    "content": content,
                    "classification": "mentoring",
                    "school_id": lincoln.id,
                    "occurred_at": received - timedelta(hours=1),
                    "received_at": received,
                    "status": "returned" if n == 0 else "submitted",
                    "concern": rules.concern([]),
                }
            )
        oldest = entries[0]["id"]
        returned_at = entries[0]["created_at"] + timedelta(minutes=30)
        entries[0]["updated_at"] = returned_at
        db.session.execute(insert(Contact), entries)
        db.session.execute(insert(ContactRevision), revisions)
        db.session.add(
            ReviewDecision(
                contact_id=oldest,
                revision=1,
                reviewer_id=park.id,
                decision="return",
                comment=COMMENT,
                decided_at=returned_at,
            )
        )
        db.session.commit()
        return str(oldest)


def test_the_oldest_returned_entry_of_a_long_history_is_fixed_offline(
    app, browser, playwright, live_server, oldest_returned
):
    context = browser.new_context(
        **playwright.devices["Pixel 7"], base_url=live_server.url, bypass_csp=True
    )
    phone = context.new_page()
    sign_in(phone, "ofc.ruiz")
    phone.goto("/entries/new")
    wait_for_offline_shell(phone)
    phone.goto("/entries")  # online: the phone fetches every entry, a page at a time
    settle(phone)
    kept = phone.evaluate(
        """async (id) => {
        const entry = await SROOutbox.getServerEntry(id);
        const all = await SROOutbox.serverEntries(SROApp.officerId);
        const cursor = await SROOutbox.getMeta('entries-cursor:' + SROApp.officerId);
        return {status: entry && entry.status, comment: entry && entry.review.comment,
                count: all.length, cursor: cursor};
    }""",
        oldest_returned,
    )
    assert kept["status"] == "returned" and kept["comment"] == COMMENT
    assert kept["count"] == BACKLOG and kept["cursor"]
    assert [path for _, path in live_server.requests].count("/api/v1/entries") >= 2

    context.set_offline(True)
    phone.goto(f"/entries/new?edit={oldest_returned}")
    expect(phone.get_by_role("heading", name="Fix entry")).to_be_visible()
    expect(phone.locator("#review-comment")).to_contain_text(COMMENT)
    narrative = phone.get_by_label("Narrative", exact=True)
    expect(narrative).to_have_value("Hallway talk number 0.")
    narrative.fill("Hallway talk number 0: he said he was looking for his brother.")
    phone.get_by_role("button", name="Save entry").click()
    expect(waiting_text(phone)).to_have_text("1 entry waits to be sent")

    context.set_offline(False)
    expect(waiting_text(phone)).to_have_text("Nothing waiting", timeout=15000)
    with app.app_context():
        fixed = db.session.get(Contact, uuid.UUID(oldest_returned))
        assert (fixed.current_revision, fixed.current.status) == (2, "submitted")
        assert fixed.current.content["narrative"].endswith("looking for his brother.")
    context.close()
