"""The real server (gunicorn) SIGKILLed in the middle of a sync batch, then started again and sent
everything once more, as a phone's outbox would: nothing it accepted is lost, nothing is stored
twice, no batch is half-stored, and the database is intact — on SQLite and on PostgreSQL.

A batch is one write transaction (sync.ingest: a savepoint per entry, one commit at the end), so
"no batch half-stored" means: after the kill, each batch's valid entries are all stored or none
of them is; the resend then answers `duplicate` for every stored one and `accepted` for the rest.
"""

import http.client
import json
import sqlite3
import statistics
import threading
import time

from sqlalchemy import func, select, text

from bench.sync_ingest import Gunicorn, Officer, bench_env
from logger.core.models import AuditEvent, Contact, ContactRevision
from logger.extensions import db
from tests.factories import PASSWORD, envelope, make_school, make_user, mentoring_entry

BATCHES = 8
BATCH = 100  # the most a batch may hold: the longest window for the kill to land in
KILLED_DURING = 3  # the batch in flight when the server dies; the ones before it time the kill


def test_a_server_killed_mid_batch_loses_nothing_it_accepted_and_stores_nothing_twice(app):
    with app.app_context():
        school = make_school()
        make_user("ofc.ruiz", schools=[school])
        batches = [outbox_batch(school.id, number) for number in range(BATCHES)]
        url = db.engine.url.render_as_string(hide_password=False)
    with Gunicorn(bench_env(url), workers=2) as server:
        phone = Officer(server.base)
        phone.sign_in("ofc.ruiz", PASSWORD)
        token = json.loads(phone.get("/api/v1/session"))["csrf_token"]
        answers = send_until_killed(phone, token, batches, server)
        assert None in answers, "every batch was answered before the kill"
        stored_after_kill = check_database(app, batches, answers)
        server.start()  # the same cookie and CSRF token still work: the phone just resends
        resent = [phone.sync(batch, token) for batch in batches]
    for batch, answer in zip(batches, resent, strict=True):
        assert [r["status"] for r in answer] == [
            "duplicate" if e["id"] in stored_after_kill else "accepted" for e in batch[:-1]
        ] + ["invalid"]
    assert check_database(app, batches, resent) == {e["id"] for b in batches for e in b[:-1]}


def outbox_batch(school_id: int, number: int) -> list[dict]:
    """A full batch: valid entries, then one that the rules refuse (it is never stored)."""
    return [
        envelope(mentoring_entry(school_id, narrative=f"Batch {number}, entry {n}."))
        for n in range(BATCH - 1)
    ] + [envelope(mentoring_entry(school_id, location="roof"))]


def send_until_killed(phone: Officer, token: str, batches, server: Gunicorn) -> list:
    """Send the batches one after another; SIGKILL the server's whole process group while
    batch KILLED_DURING is in flight, half-way through a typical batch's time. Each batch's
    answer, or None when it had none (cut off, or never sent)."""
    answers, durations, sent = [None] * len(batches), [], threading.Event()

    def send() -> None:
        for number, batch in enumerate(batches):
            started = time.monotonic()
            if number == KILLED_DURING:
                sent.set()
            try:
                answers[number] = phone.sync(batch, token)
            except (OSError, http.client.HTTPException):  # the server died under the request
                return
            durations.append(time.monotonic() - started)

    sender = threading.Thread(target=send)
    sender.start()
    assert sent.wait(timeout=120), "the first batches never finished"
    time.sleep(statistics.median(durations[1:]) / 2)  # the first batch also warms the worker
    server.kill()
    sender.join(timeout=120)
    return answers


def check_database(app, batches, answers) -> set[str]:
    """Assert the database is intact and holds each batch whole or not at all, every answered
    entry exactly once with one revision and one audit event; return the ids stored."""
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "sqlite":
            with sqlite3.connect(db.engine.url.database) as raw:
                assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        else:
            assert_postgresql_constraints_hold()
        stored = {str(i) for i in db.session.scalars(select(Contact.id))}
        revisions = db.session.execute(
            select(ContactRevision.contact_id, func.count()).group_by(ContactRevision.contact_id)
        )
        assert {str(i): n for i, n in revisions} == dict.fromkeys(stored, 1)
        submitted = db.session.execute(
            select(AuditEvent.contact_id, func.count())
            .filter_by(action="contact.submitted")
            .group_by(AuditEvent.contact_id)
        )
        assert {str(i): n for i, n in submitted} == dict.fromkeys(stored, 1)
        db.session.remove()
    sent = {e["id"] for batch in batches for e in batch}
    assert stored <= sent
    for batch, answer in zip(batches, answers, strict=False):  # answers end at the kill
        valid = {e["id"] for e in batch[:-1]}
        assert stored & valid in (set(), valid)  # whole, or not at all
        if answer is not None:
            assert {r["id"] for r in answer if r["status"] in ("accepted", "duplicate")} == valid
            assert valid <= stored
    return stored


def assert_postgresql_constraints_hold() -> None:
    """PostgreSQL has no integrity_check: its unique constraints are there and every index valid."""
    constraints = set(
        db.session.scalars(
            text(
                "SELECT conname FROM pg_constraint WHERE conrelid IN "
                "('contacts'::regclass, 'contact_revisions'::regclass) AND contype IN ('p', 'u')"
            )
        )
    )
    assert {"pk_contacts", "uq_contact_revisions_contact_id"} <= constraints, constraints
    assert (
        db.session.scalar(
            text("SELECT count(*) FROM pg_index WHERE NOT indisvalid OR NOT indisready")
        )
        == 0
    )
