"""The paths issue 15 makes fast issue as many SQL statements with many entries as with few:
the review queue, My entries, one entry's page, the sync API's changed entries, the annual
assessment, the CSV export and the public summary's count. Nothing here is timed; a query per
entry (an N+1) would make a count grow and fail the test, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from logger.core.models import Contact, User
from logger.extensions import db
from logger.public import summary
from logger.review import workflow
from tests.factories import (
    Api,
    Auth,
    arrest_entry,
    envelope,
    make_contact,
    make_school,
    make_user,
    mentoring_entry,
)

FEW, MANY = 6, 30  # six already hold every state: approved, waiting, returned
START = datetime(2025, 9, 8, 15, tzinfo=UTC)  # in school year 2025–26, a settled quarter


def _log(app, how_many: int) -> None:
    """Entries of every kind and state: approved, waiting, returned; with students and flags."""
    with app.app_context():
        ruiz, park = (
            db.session.scalar(select(User).filter_by(username=name))
            for name in ("ofc.ruiz", "sgt.park")
        )
        school = ruiz.assignments[0].school_id
        already = db.session.query(Contact).count()
        for n in range(already, already + how_many):
            occurred = START + timedelta(days=n)
            builder = arrest_entry if n % 3 == 0 else mentoring_entry
            entry = builder(school, occurred_at=occurred.isoformat())
            contact = make_contact(ruiz, entry, received_at=occurred + timedelta(hours=1))
            if n % 3 != 2:  # a third stay waiting
                decision = "return" if n % 6 == 4 else "approve"
                workflow.decide(
                    park,
                    contact.id,
                    1,
                    decision,
                    "Read and checked.",
                    decided_at=occurred + timedelta(hours=2),
                    client_addr=None,
                )
            db.session.commit()


@pytest.fixture
def district(app):
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        park = make_user("sgt.park", role="supervisor")
        make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
        make_user("eval.ode", role="evaluator")
        make_user("admin.lee", role="admin")


def _statements(app, do: Callable[[], object]) -> int:
    """How many SQL statements reach the database while `do` runs."""
    return len(_statements_seen(app, do))


def _statements_seen(app, do: Callable[[], object]) -> list[str]:
    """The SQL statements that reach the database while `do` runs."""
    seen = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
    try:
        do()
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", note)
    return seen


def _some_entry(app) -> str:
    with app.app_context():
        return str(db.session.scalars(select(Contact.id).order_by(Contact.id)).first())


def _ok(response) -> None:
    assert response.status_code == 200, response.status_code


def _paths(app, client) -> dict[str, Callable[[], int]]:
    """Each path as the user who takes it, signed in through the real form: its statements."""
    auth = Auth(client)

    def as_user(username: str, path: str, method: str = "GET", **form) -> int:
        auth.logout()
        auth.login(username)
        if method == "POST":
            form["csrf_token"] = auth.csrf_token(path)
        return _statements(app, lambda: _ok(client.open(path, method=method, data=form or None)))

    def count_the_quarters() -> int:
        def count():
            with app.app_context():
                admin = db.session.scalar(select(User).filter_by(username="admin.lee"))
                summary.count_settled(date(2026, 9, 1), admin, None)
                db.session.rollback()  # measured, not kept: the next count starts afresh

        return _statements(app, count)

    return {
        "review queue": lambda: as_user("sgt.park", "/review"),
        "My entries": lambda: as_user("ofc.ruiz", "/entries"),
        "an entry's page": lambda: as_user("ofc.ruiz", f"/entries/{_some_entry(app)}"),
        "changed entries (sync API)": lambda: as_user("ofc.ruiz", "/api/v1/entries"),
        "annual assessment": lambda: as_user("eval.ode", "/assessment?year=2025"),
        "CSV export": lambda: as_user("eval.ode", "/export", "POST", format="csv"),
        "public summary's count": count_the_quarters,
    }


def test_each_path_issues_as_many_statements_with_many_entries_as_with_few(app, client, district):
    _log(app, FEW)
    paths = _paths(app, client)
    with_few = {name: measure() for name, measure in paths.items()}
    _log(app, MANY - FEW)
    with_many = {name: measure() for name, measure in paths.items()}
    assert with_many == with_few, f"statements with {FEW} entries and with {MANY}"
    assert all(count > 0 for count in with_few.values())  # each path was measured


def _ruiz_school_id(app) -> int:
    with app.app_context():
        return (
            db.session.scalar(select(User).filter_by(username="ofc.ruiz")).assignments[0].school_id
        )


def _new_batch_statements(app, client, size: int) -> list[str]:
    """The statements POST /api/v1/sync issues for a batch of `size` new entries (and the
    GET that fetches its CSRF token, the same for any batch)."""
    school_id = _ruiz_school_id(app)
    timing = {"seconds": 40, "template_used": False}
    batch = [
        envelope((arrest_entry if n % 2 else mentoring_entry)(school_id), timing=timing)
        for n in range(size)
    ]
    results = []
    seen = _statements_seen(app, lambda: results.extend(Api(client).sync(*batch)))
    assert [r["status"] for r in results] == ["accepted"] * size
    return seen


def test_a_sync_batch_of_new_entries_issues_as_many_statements_whatever_its_size(
    app, client, district
):
    Auth(client).login("ofc.ruiz")
    _log(app, FEW)
    small, large = (_new_batch_statements(app, client, size) for size in (3, 60))
    assert len(large) == len(small), "statements for a batch of 3 new entries and of 60"
    inserted = {s.split()[2] for s in large if s.startswith("INSERT")}
    assert {"contacts", "revision_choices", "revision_students", "entry_timings"} <= inserted


def _resent_batch_statements(app, client, size: int) -> list[str]:
    """The statements POST /api/v1/sync issues for a batch of `size` entries sent again."""
    school_id = _ruiz_school_id(app)
    batch = [envelope(mentoring_entry(school_id, narrative=f"Visit {n}.")) for n in range(size)]
    assert {r["status"] for r in Api(client).sync(*batch)} == {"accepted"}
    results = []
    seen = _statements_seen(app, lambda: results.extend(Api(client).sync(*batch)))
    assert [(r["status"], r["revision"]) for r in results] == [("duplicate", 1)] * size
    return seen


def test_a_resent_batch_is_answered_in_as_many_statements_whatever_its_size(app, client, district):
    """A phone that lost the answer sends its whole outbox again: the stored entries are read
    together and answered duplicate, with no savepoint and nothing written for any of them."""
    Auth(client).login("ofc.ruiz")
    small, large = (_resent_batch_statements(app, client, size) for size in (3, 60))
    assert len(large) == len(small), "statements for a resend of 3 entries and of 60"
    assert not [s for s in large if s.split()[0] in ("SAVEPOINT", "INSERT", "UPDATE")]


def test_a_sync_request_is_one_transaction_that_reads_the_officer_once(app, client, district):
    """Storing a batch commits once, with the officer read inside it (not read, committed,
    and read again), on both databases; a resend of the batch likewise. On SQLite the
    transaction takes the write lock from its first statement."""
    Auth(client).login("ofc.ruiz")
    with app.app_context():
        ruiz = db.session.scalar(select(User).filter_by(username="ofc.ruiz"))
        school_id = ruiz.assignments[0].school_id
        on_sqlite = db.engine.dialect.name == "sqlite"
    batch = [envelope(mentoring_entry(school_id)), envelope(arrest_entry(school_id))]
    token = Api(client).token()
    statuses, commits = [], []

    def send() -> None:
        response = client.post(
            "/api/v1/sync", json={"entries": batch}, headers={"X-CSRFToken": token}
        )
        statuses.append([result["status"] for result in response.get_json()["results"]])

    def note_commit(connection) -> None:
        commits.append(len(statuses))

    with app.app_context():
        event.listen(db.engine, "commit", note_commit)
    try:
        sent = [_statements_seen(app, send) for _ in range(2)]
    finally:
        with app.app_context():
            event.remove(db.engine, "commit", note_commit)
    assert statuses == [["accepted"] * 2, ["duplicate"] * 2]
    assert commits == [0, 1], "each sync request commits once"
    for seen in sent:
        assert sum(s.lstrip().startswith("SELECT users") for s in seen) == 1
        if on_sqlite:
            assert seen[0] == "BEGIN IMMEDIATE"
