"""GET /api/v1/entries?since=<cursor>: the officer's changed entries a page at a time, every
returned entry in every response, and a cursor the phone keeps between syncs."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

import sync.api
from logger.core import clock
from logger.core.models import User
from logger.extensions import db
from logger.officer import entries
from logger.review import workflow
from tests.factories import make_contact, make_user, mentoring_entry

HOUR_AGO = datetime.now(UTC) - timedelta(hours=1)


@pytest.fixture
def team(app, district):
    """Ruiz and Chen report to sergeant Park."""
    with app.app_context():
        park = db.session.scalar(db.select(User).filter_by(username="sgt.park"))
        for name in ("ofc.ruiz", "ofc.chen"):
            db.session.scalar(db.select(User).filter_by(username=name)).supervisor = park
        db.session.commit()
    return district


def officer(name: str) -> User:
    return db.session.scalar(db.select(User).filter_by(username=name))


def log(app, monkeypatch, name: str, school_id: int, count: int, *, changed_at=None) -> list[str]:
    """`count` entries by an officer, all stamped as changed at `changed_at` (now if None)."""
    with monkeypatch.context() as patched, app.app_context():
        if changed_at is not None:
            patched.setattr(clock, "utcnow", lambda: changed_at)
        return [
            str(make_contact(officer(name), mentoring_entry(school_id)).id) for _ in range(count)
        ]


def decide(app, entry_id: str, decision: str, comment: str | None = None) -> None:
    with app.app_context():
        workflow.decide(
            officer("sgt.park"),
            uuid.UUID(entry_id),
            1,
            decision,
            comment,
            decided_at=datetime.now(UTC),
            client_addr=None,
        )
        db.session.commit()


def fetch(client, since: str | None = None) -> dict:
    response = client.get("/api/v1/entries", query_string={} if since is None else {"since": since})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def fetch_all(client, since: str | None = None) -> tuple[list[list[str]], str]:
    """Every page until caught up: the ids on each page, and the last cursor."""
    pages = []
    while True:
        body = fetch(client, since)
        pages.append([entry["id"] for entry in body["entries"]])
        since = body["cursor"]
        if not body["more"]:
            return pages, since


def cursor_time(cursor: str) -> datetime:
    microseconds = int(cursor.split("-")[0])
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=microseconds)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(sync.api, "ENTRIES_PAGE_SIZE", 3)


def test_pages_return_every_entry_exactly_once_even_when_changed_at_the_same_moment(
    app, client, auth, team, small_pages, monkeypatch
):
    ids = log(app, monkeypatch, "ofc.ruiz", team["lincoln"], 8, changed_at=HOUR_AGO)
    auth.login("ofc.ruiz")
    pages, _ = fetch_all(client)
    assert [len(page) for page in pages] == [3, 3, 2]
    sent = [entry_id for page in pages for entry_id in page]
    assert sorted(sent) == sorted(ids)  # ordered by id within one moment, none skipped or repeated


def test_the_response_keeps_the_entry_shape_and_adds_the_cursor(
    app, client, auth, team, monkeypatch
):
    [entry_id] = log(app, monkeypatch, "ofc.ruiz", team["lincoln"], 1)
    auth.login("ofc.ruiz")
    body = fetch(client)
    assert set(body) == {"officer_id", "entries", "cursor", "more"} and body["more"] is False
    with app.app_context():
        assert body["officer_id"] == db.session.scalar(
            db.select(User.id).filter_by(username="ofc.ruiz")
        )  # a shared phone checks whose
    assert re.fullmatch(r"[0-9]+-[0-9a-f]{32}", body["cursor"])
    [entry] = body["entries"]
    assert set(entry) == {
        "id",
        "revision",
        "status",
        "dictionary_version",
        "received_at",
        "flags",
        "contact",
        "review",
    }
    assert (entry["id"], entry["revision"], entry["status"]) == (entry_id, 1, "submitted")


def test_caught_up_the_cursor_stays_five_minutes_back_and_older_entries_are_not_sent_again(
    app, client, auth, team, monkeypatch
):
    old = log(app, monkeypatch, "ofc.ruiz", team["lincoln"], 2, changed_at=HOUR_AGO)
    recent = log(app, monkeypatch, "ofc.ruiz", team["lincoln"], 1)
    auth.login("ofc.ruiz")
    pages, cursor = fetch_all(client)
    assert sorted(pages[0]) == sorted(old + recent)
    assert cursor_time(cursor) <= datetime.now(UTC) - entries.SLOW_COMMIT_MARGIN
    again = fetch(client, cursor)
    assert [e["id"] for e in again["entries"]] == recent  # a late commit would be caught too
    assert cursor_time(again["cursor"]) >= cursor_time(cursor)


def test_while_more_remain_the_cursor_is_the_last_entry_sent(
    app, client, auth, team, small_pages, monkeypatch
):
    log(app, monkeypatch, "ofc.ruiz", team["lincoln"], 4)  # all within the last five minutes
    auth.login("ofc.ruiz")
    first = fetch(client)
    assert first["more"] is True
    assert first["cursor"].endswith(uuid.UUID(first["entries"][-1]["id"]).hex)
    second = fetch(client, first["cursor"])
    assert second["more"] is False and len(second["entries"]) == 1


def test_a_returned_entry_older_than_the_page_is_in_every_response(
    app, client, auth, team, small_pages, monkeypatch
):
    [oldest] = log(
        app, monkeypatch, "ofc.ruiz", team["lincoln"], 1, changed_at=HOUR_AGO - timedelta(days=400)
    )
    log(app, monkeypatch, "ofc.ruiz", team["lincoln"], 7, changed_at=HOUR_AGO)
    decide(app, oldest, "return", "Say where the student was before.")
    auth.login("ofc.ruiz")
    first = fetch(client)
    listed = [e["id"] for e in first["entries"]]
    assert first["more"] is True and listed.count(oldest) == 1
    returned = next(e for e in first["entries"] if e["id"] == oldest)
    assert returned["status"] == "returned"
    assert returned["review"]["comment"] == "Say where the student was before."
    pages, cursor = fetch_all(client)
    assert all(page.count(oldest) == 1 for page in pages)  # deduped within each response
    assert oldest in [e["id"] for e in fetch(client, cursor)["entries"]]


def test_a_decision_after_the_cursor_is_in_the_next_response(app, client, auth, team, monkeypatch):
    ids = log(app, monkeypatch, "ofc.ruiz", team["lincoln"], 3, changed_at=HOUR_AGO)
    auth.login("ofc.ruiz")
    _, cursor = fetch_all(client)
    assert fetch(client, cursor)["entries"] == []
    decide(app, ids[1], "approve")
    [approved] = fetch(client, cursor)["entries"]
    assert (approved["id"], approved["status"]) == (ids[1], "approved")
    assert approved["review"]["decision"] == "approve"


def test_a_new_revision_after_the_cursor_is_in_the_next_response(
    app, client, auth, team, monkeypatch
):
    [entry_id] = log(app, monkeypatch, "ofc.ruiz", team["lincoln"], 1, changed_at=HOUR_AGO)
    auth.login("ofc.ruiz")
    _, cursor = fetch_all(client)
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    fixed = mentoring_entry(team["lincoln"], narrative="Corrected the place.", location="office")
    result = client.post(
        "/api/v1/sync",
        headers={"X-CSRFToken": token},
        json={"entries": [{"id": entry_id, "base_revision": 1, "contact": fixed}]},
    ).get_json()["results"][0]
    assert result["status"] == "accepted"
    [changed] = fetch(client, cursor)["entries"]
    assert (changed["id"], changed["revision"]) == (entry_id, 2)


def test_another_officers_entries_never_appear(app, client, auth, team, monkeypatch):
    mine = log(app, monkeypatch, "ofc.ruiz", team["lincoln"], 2)
    theirs = log(app, monkeypatch, "ofc.chen", team["adams"], 2)
    decide(app, theirs[0], "return", "Not yours to see.")
    auth.login("ofc.ruiz")
    pages, cursor = fetch_all(client)
    assert sorted(id_ for page in pages for id_ in page) == sorted(mine)
    auth.logout()
    auth.login("ofc.chen")
    assert all(e["id"] in theirs for e in fetch(client, cursor)["entries"])
    assert sorted(id_ for page in fetch_all(client)[0] for id_ in page) == sorted(theirs)


BAD_CURSORS = [
    "",
    "abc",
    "123",
    "-5-" + "0" * 32,
    "05-" + "0" * 32,
    "12-" + "A" * 32,
    "12-" + "0" * 31,
    "12-" + "0" * 33,
    "12_" + "0" * 32,
    " 12-" + "0" * 32,
    "12-" + "0" * 32 + "\n",
    "1" * 19 + "-" + "0" * 32,
    "9" * 18 + "-" + "0" * 32,
    "١٢-" + "0" * 32,
    "12-" + "g" * 32,
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_a_malformed_cursor_is_a_clear_400_in_json(client, auth, team, cursor):
    auth.login("ofc.ruiz")
    response = client.get("/api/v1/entries", query_string={"since": cursor})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request" and "cursor" in body["message"]


def test_a_cursor_in_the_future_sends_returned_entries_and_comes_back_to_now(
    app, client, auth, team, monkeypatch
):
    [entry_id] = log(app, monkeypatch, "ofc.ruiz", team["lincoln"], 1)
    decide(app, entry_id, "return", "Add the time it ended.")
    auth.login("ofc.ruiz")
    body = fetch(client, f"{10**17}-{'f' * 32}")
    assert [e["id"] for e in body["entries"]] == [entry_id]
    assert cursor_time(body["cursor"]) <= datetime.now(UTC) - entries.SLOW_COMMIT_MARGIN


def test_only_officers_read_entries(client, auth, team):
    assert client.get("/api/v1/entries?since=x").status_code == 401
    auth.login("sgt.park")
    assert client.get("/api/v1/entries").status_code == 403


def test_updated_at_is_the_servers_clock_not_the_time_an_entry_says_it_arrived(ctx, district):
    ruiz = officer("ofc.ruiz")
    long_ago = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    before = datetime.now(UTC)
    occurred_at = (long_ago - timedelta(hours=1)).isoformat()
    entry = mentoring_entry(district["lincoln"], occurred_at=occurred_at)
    contact = make_contact(ruiz, entry, received_at=long_ago)
    assert contact.created_at == long_ago and contact.updated_at >= before


def test_a_new_officer_without_entries_gets_an_empty_page_and_a_cursor(client, auth, app, district):
    with app.app_context():
        make_user("ofc.new")
    auth.login("ofc.new")
    body = fetch(client)
    assert body["entries"] == [] and body["more"] is False
    assert fetch(client, body["cursor"])["entries"] == []
