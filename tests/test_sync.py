"""POST /api/v1/sync and GET /api/v1/entries: every entry stored exactly once."""

import json
import threading
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from logger import rules
from logger.core.models import AuditEvent, Contact, ContactRevision, User
from logger.extensions import db
from logger.officer import entries
from tests.factories import Api, arrest_entry, envelope, make_contact, mentoring_entry


@pytest.fixture
def ruiz(client, auth, district):
    auth.login("ofc.ruiz")
    return Api(client)


def revisions(app, entry_id) -> list[ContactRevision]:
    with app.app_context():
        contact = db.session.get(Contact, uuid.UUID(entry_id))
        return (
            [] if contact is None else [(r.number, r.status, r.content) for r in contact.revisions]
        )


def test_new_entry_is_accepted_at_revision_1(app, ruiz, district):
    sent = envelope(mentoring_entry(district["lincoln"]))
    assert ruiz.sync(sent) == [
        {"id": sent["id"], "status": "accepted", "revision": 1, "errors": {}}
    ]
    [(number, status, content)] = revisions(app, sent["id"])
    assert (number, status, content["mentoring_type"]) == (1, "submitted", "informal_counseling")
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="contact.submitted"))
        assert str(event.contact_id) == sent["id"] and event.revision == 1


def test_resending_is_a_duplicate_even_after_a_newer_revision(app, ruiz, district):
    first = envelope(mentoring_entry(district["lincoln"], narrative="First version."))
    assert ruiz.sync(first)[0]["status"] == "accepted"
    assert ruiz.sync(first)[0] == {
        "id": first["id"],
        "status": "duplicate",
        "revision": 1,
        "errors": {},
    }
    second = {
        **first,
        "base_revision": 1,
        "contact": {**first["contact"], "narrative": "Second version."},
    }
    assert ruiz.sync(second)[0]["status"] == "accepted"
    late_resend = ruiz.sync(first)[0]
    assert (late_resend["status"], late_resend["revision"]) == ("duplicate", 2)
    assert [r[0] for r in revisions(app, first["id"])] == [1, 2]


def test_edit_from_a_stale_revision_is_a_conflict(app, ruiz, district):
    sent = envelope(mentoring_entry(district["lincoln"]))
    ruiz.sync(sent)
    ruiz.sync({**sent, "base_revision": 1, "contact": {**sent["contact"], "narrative": "Edit A."}})
    stale = ruiz.sync(
        {**sent, "base_revision": 1, "contact": {**sent["contact"], "narrative": "Edit B."}}
    )[0]
    assert (stale["status"], stale["revision"]) == ("conflict", 2)
    assert len(revisions(app, sent["id"])) == 2


def approve(app, entry_id):
    with app.app_context():
        db.session.get(Contact, uuid.UUID(entry_id)).current.status = "approved"
        db.session.commit()


def test_approved_entry_changes_only_as_an_explained_amendment(app, ruiz, district):
    sent = envelope(mentoring_entry(district["lincoln"]))
    ruiz.sync(sent)
    approve(app, sent["id"])
    changed = {**sent, "base_revision": 1, "contact": {**sent["contact"], "students_involved": 2}}
    assert ruiz.sync(changed)[0]["status"] == "conflict"
    short = ruiz.sync({**changed, "amendment_explanation": "typo"})[0]
    assert short["status"] == "invalid"
    assert short["errors"] == {
        "amendment_explanation": [
            "Explain why you are amending this approved entry (at least 10 characters)."
        ]
    }
    amended = ruiz.sync({**changed, "amendment_explanation": "Two students were present."})[0]
    assert (amended["status"], amended["revision"]) == ("accepted", 2)
    assert [(n, s) for n, s, _ in revisions(app, sent["id"])] == [(1, "approved"), (2, "submitted")]
    with app.app_context():
        rev = db.session.scalar(db.select(ContactRevision).filter_by(number=2))
        assert rev.amendment_explanation == "Two students were present."
        assert db.session.scalar(db.select(AuditEvent).filter_by(action="contact.amended"))


def test_invalid_entry_gets_the_same_messages_as_the_form(app, ruiz, district):
    contact = arrest_entry(district["lincoln"])
    del contact["justification"]["why_last_resort"]
    [result] = ruiz.sync(envelope(contact))
    assert result["status"] == "invalid" and result["revision"] is None
    assert result["errors"] == {
        "justification.why_last_resort": [
            "Explain why arrest was a last resort (at least 30 characters)."
        ]
    }
    assert revisions(app, result["id"]) == []


def test_another_officers_id_and_an_unassigned_school_are_forbidden(
    app, client, auth, ruiz, district
):
    mine = envelope(mentoring_entry(district["lincoln"]))
    ruiz.sync(mine)
    auth.logout()
    auth.login("ofc.chen")
    chen = Api(client)
    taken = chen.sync(envelope(mentoring_entry(district["adams"]), entry_id=mine["id"]))[0]
    assert taken["status"] == "forbidden"
    elsewhere = chen.sync(envelope(mentoring_entry(district["lincoln"])))[0]
    assert elsewhere["status"] == "forbidden"
    assert elsewhere["errors"] == {"school_id": ["Choose one of the schools you are assigned to."]}
    assert len(revisions(app, mine["id"])) == 1


def test_one_bad_entry_never_fails_the_others(app, ruiz, district):
    good, bad, also_good, ancient = (
        envelope(mentoring_entry(district["lincoln"])),
        envelope(mentoring_entry(district["lincoln"], location="roof")),
        envelope(arrest_entry(district["lincoln"])),
        envelope(mentoring_entry(district["lincoln"], occurred_at="0001-01-01T00:00:00+14:00")),
    )
    results = ruiz.sync(good, bad, also_good, ancient)
    assert [r["status"] for r in results] == ["accepted", "invalid", "accepted", "invalid"]
    assert [r["id"] for r in results] == [good["id"], bad["id"], also_good["id"], ancient["id"]]
    with app.app_context():
        assert db.session.query(Contact).count() == 2


@pytest.mark.parametrize(
    "item, field",
    [
        ({"id": "not-a-uuid", "contact": {}}, "id"),
        ({"id": str(uuid.uuid1()), "contact": {}}, "id"),
        ({"id": 7, "contact": {}}, "id"),
        ({"id": str(uuid.uuid4()), "base_revision": -1, "contact": {}}, "base_revision"),
        ({"id": str(uuid.uuid4()), "base_revision": "1", "contact": {}}, "base_revision"),
        ({"id": str(uuid.uuid4()), "contact": ["not", "an", "object"]}, "contact"),
        ("just a string", "entry"),
    ],
)
def test_malformed_envelopes_are_invalid_with_a_reason(ruiz, item, field):
    [result] = ruiz.sync(item)
    assert result["status"] == "invalid" and field in result["errors"]


@pytest.mark.parametrize(
    "sent, echoed",
    [(True, None), (False, None), ({"a": 1}, None), (7, 7), ("not-a-uuid", "not-a-uuid")],
)
def test_a_bad_id_is_echoed_only_when_it_is_a_string_or_a_number(ruiz, sent, echoed):
    [result] = ruiz.sync({"id": sent, "contact": {}})
    assert result["id"] == echoed and type(result["id"]) is type(echoed)


def test_server_never_trusts_officer_status_or_revision_from_the_client(app, ruiz, district):
    with app.app_context():
        chen_id = db.session.scalar(db.select(User.id).filter_by(username="ofc.chen"))
    contact = {
        **mentoring_entry(district["lincoln"]),
        "officer_id": chen_id,
        "status": "approved",
        "revision": 9,
        "flags": [],
    }
    sent = envelope(contact)
    assert ruiz.sync(sent)[0]["revision"] == 1
    with app.app_context():
        stored = db.session.get(Contact, uuid.UUID(sent["id"]))
        assert stored.officer.username == "ofc.ruiz" and stored.current.status == "submitted"
        assert not {"officer_id", "status", "revision", "flags"} & set(stored.current.content)


def test_batch_over_100_entries_is_413_json(app, ruiz, district):
    response = ruiz.post({"entries": [envelope(mentoring_entry(district["lincoln"]))] * 101})
    assert response.status_code == 413
    assert (
        response.get_json()["error"] == "too_large"
        and "at most 100" in response.get_json()["message"]
    )
    with app.app_context():
        assert db.session.query(Contact).count() == 0


def test_body_over_1_mb_is_413_json(ruiz, district):
    response = ruiz.post(
        {"entries": [envelope(mentoring_entry(district["lincoln"], narrative="x" * 1_100_000))]}
    )
    assert response.status_code == 413 and response.get_json()["error"] == "too_large"


@pytest.mark.parametrize(
    "body", ["{not json", "[]", '{"entries": {}}', "", b"\xff\xfe", "[" * 100_000 + "]" * 100_000]
)
def test_malformed_body_is_400_json(ruiz, body):
    response = ruiz.post(body)
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


def test_missing_csrf_header_is_refused_as_csrf_failed(client, ruiz, district):
    response = client.post("/api/v1/sync", json={"entries": []})
    assert response.status_code == 400 and response.get_json()["error"] == "csrf_failed"


def test_signed_out_is_401_and_supervisors_are_403(client, auth, district):
    assert client.post("/api/v1/sync", json={"entries": []}).status_code == 401
    auth.login("sgt.park")
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    response = client.post("/api/v1/sync", json={"entries": []}, headers={"X-CSRFToken": token})
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"
    assert client.get("/api/v1/entries").status_code == 403


def test_entries_lists_only_the_officers_own(client, auth, ruiz, district):
    mine = envelope(mentoring_entry(district["lincoln"]))
    ruiz.sync(mine)
    listed = client.get("/api/v1/entries").get_json()["entries"]
    assert [(e["id"], e["revision"], e["status"]) for e in listed] == [(mine["id"], 1, "submitted")]
    assert listed[0]["contact"]["mentoring_type"] == "informal_counseling"
    auth.logout()
    auth.login("ofc.chen")
    assert client.get("/api/v1/entries").get_json()["entries"] == []


def test_twenty_concurrent_sends_of_one_batch_store_each_entry_once(
    app, client, ruiz, district, live_server
):
    """Real server on loopback, 20 threads at once: the database's constraints decide."""
    batch = {
        "entries": [
            envelope(mentoring_entry(district["lincoln"], narrative=f"Entry {i}."))
            for i in range(10)
        ]
    }
    token = ruiz.token()  # first: it puts the token's secret in the session cookie
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    start, statuses, failures = threading.Barrier(20), [], []

    def send():
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/sync",
            data=json.dumps(batch).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-CSRFToken": token, "Cookie": cookie},
        )
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                statuses.extend(r["status"] for r in json.load(response)["results"])
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert statuses.count("accepted") == 10 and statuses.count("duplicate") == 190
    with app.app_context():
        assert db.session.query(Contact).count() == 10
        assert db.session.query(ContactRevision).count() == 10
        assert db.session.query(AuditEvent).filter_by(action="contact.submitted").count() == 10


def test_schema_describes_the_amendment_rule(client, ruiz):
    assert client.get("/api/v1/schema").get_json()["amendment"] == rules.AMENDMENT.to_json()


def test_a_correction_sent_days_later_is_not_a_late_entry(app, ruiz, district):
    occurred = datetime.now(UTC) - timedelta(hours=2)
    sent = envelope(mentoring_entry(district["lincoln"], occurred_at=occurred.isoformat()))
    ruiz.sync(sent)
    with app.app_context():
        contact = db.session.get(Contact, uuid.UUID(sent["id"]))
        contact.created_at = occurred + timedelta(minutes=5)  # it arrived on time...
        contact.current.status = "returned"
        db.session.commit()
    fixed = {**sent, "base_revision": 1, "contact": {**sent["contact"], "narrative": "Fixed."}}
    with app.app_context():  # ...and the correction three days later
        ruiz_user = db.session.scalar(db.select(User).filter_by(username="ofc.ruiz"))
        verdict = entries.check(ruiz_user, fixed["contact"], now=occurred + timedelta(days=3))
        entries.store(
            ruiz_user,
            uuid.UUID(sent["id"]),
            verdict,
            client_addr=None,
            base_revision=1,
            received_at=occurred + timedelta(days=3),
        )
        db.session.commit()
        assert "late_entry" not in db.session.get(Contact, uuid.UUID(sent["id"])).current.flags


def test_a_returned_entry_resubmitted_unchanged_goes_back_to_review(app, ruiz, district):
    sent = envelope(mentoring_entry(district["lincoln"]))
    ruiz.sync(sent)
    with app.app_context():
        db.session.get(Contact, uuid.UUID(sent["id"])).current.status = "returned"
        db.session.commit()
    again = ruiz.sync({**sent, "base_revision": 1})[0]
    assert (again["status"], again["revision"]) == ("accepted", 2)
    assert ruiz.sync({**sent, "base_revision": 1})[0]["status"] == "duplicate"  # its resend
    assert ruiz.sync(sent)[0]["status"] == "duplicate"  # the first send, arriving late


def test_an_edit_of_an_entry_approved_while_its_batch_is_stored_needs_an_explanation(
    app, ruiz, district, monkeypatch
):
    """The batch's look at its stored entries answers resends; an edit is decided on the entry
    as it is when written. Approved meanwhile, an edit without an explanation is a conflict,
    never a quiet revision of the record."""
    sent = envelope(mentoring_entry(district["lincoln"], narrative="Before the approval."))
    ruiz.sync(sent)
    looked_up = entries.stored

    def approved_just_after_the_look(entry_ids):
        found = looked_up(entry_ids)
        revisions = ContactRevision.__table__  # not through the session: its copy stays
        db.session.execute(
            update(revisions)
            .where(revisions.c.contact_id == uuid.UUID(sent["id"]))
            .values(status="approved")
        )
        return found

    monkeypatch.setattr(entries, "stored", approved_just_after_the_look)
    edit = {**sent, "base_revision": 1, "contact": {**sent["contact"], "narrative": "Edited."}}
    [result] = ruiz.sync(edit)
    assert (result["status"], result["revision"]) == ("conflict", 1)
    with app.app_context():
        assert db.session.query(ContactRevision).count() == 1


def test_an_edit_back_to_an_earlier_version_is_a_new_revision(app, ruiz, district):
    first = envelope(mentoring_entry(district["lincoln"], narrative="Version one."))
    ruiz.sync(first)
    ruiz.sync({**first, "base_revision": 1, "contact": {**first["contact"], "narrative": "Two."}})
    back = ruiz.sync({**first, "base_revision": 2})[0]
    assert (back["status"], back["revision"]) == ("accepted", 3)


def test_a_nul_character_is_refused_not_a_server_error(app, ruiz, district):
    [result] = ruiz.sync(envelope(mentoring_entry(district["lincoln"], narrative="bad \x00 byte")))
    assert result["status"] == "invalid" and "narrative" in result["errors"]


def test_an_id_stored_by_a_concurrent_send_after_the_lookup_is_still_stored_once(
    app, ruiz, district, monkeypatch
):
    """The lookup of stored ids can miss a send that commits just after it: the unique id
    refuses the batch's insert, and each entry is then stored on its own, exactly once."""
    earlier = envelope(mentoring_entry(district["lincoln"], narrative="Sent from the phone."))
    assert ruiz.sync(earlier)[0]["status"] == "accepted"
    monkeypatch.setattr(entries, "stored", lambda entry_ids: {})  # the lookup missed it
    new = envelope(mentoring_entry(district["lincoln"], narrative="Sent with the resend."))
    results = ruiz.sync(new, earlier)
    assert [(r["id"], r["status"], r["revision"]) for r in results] == [
        (new["id"], "accepted", 1),
        (earlier["id"], "duplicate", 1),
    ]
    with app.app_context():
        assert db.session.query(ContactRevision).count() == 2
        assert db.session.query(AuditEvent).filter_by(action="contact.submitted").count() == 2


NARRATIVES = ("First version.", "Second version.", "Third version.")
STEPS = st.tuples(
    st.integers(0, 3),  # which entry: 0 and 1 are stored before the batch, 2 and 3 are not
    st.integers(0, 3),  # base_revision
    st.sampled_from(NARRATIVES),
    st.booleans(),  # passes the rules
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=8))
def test_a_batch_is_answered_and_stored_as_its_entries_sent_one_by_one(app, ruiz, district, steps):
    """New entries go in together, the rest one by one; the outcome must not show it."""

    def send(together: bool) -> tuple[list, list]:
        ids = [str(uuid.uuid4()) for _ in range(4)]

        def sent(which, base, narrative, valid):
            where = "hallway" if valid else "roof"
            contact = mentoring_entry(district["lincoln"], narrative=narrative, location=where)
            return envelope(contact, ids[which], base)

        ruiz.sync(*(sent(which, 0, NARRATIVES[0], True) for which in (0, 1)))
        batch = [sent(*step) for step in steps]
        results = ruiz.sync(*batch) if together else [ruiz.sync(one)[0] for one in batch]
        answered = [(ids.index(r["id"]), r["status"], r.get("revision")) for r in results]
        stored = [
            [(number, status, content["narrative"]) for number, status, content in kept]
            for kept in (revisions(app, entry_id) for entry_id in ids)
        ]
        return answered, stored

    assert send(together=True) == send(together=False)


def _as_stored(app, entry_id: str) -> dict:
    """What the database holds for an entry, but ids and times of arrival."""
    with app.app_context():
        contact = db.session.get(Contact, uuid.UUID(entry_id))
        [revision] = contact.revisions
        skip = {"id", "contact_id", "received_at"}
        return {
            "current_revision": contact.current_revision,
            "columns": {
                c.key: getattr(revision, c.key)
                for c in ContactRevision.__table__.columns
                if c.key not in skip
            },
            "flags": revision.flags,
            "choices": sorted((row.field, row.choice) for row in revision.choice_rows),
            "students": [
                (row.position, row.race, row.gender, row.disability, row.grade_band)
                for row in revision.student_rows
            ],
            "audit": [
                (event.action, event.actor.username, event.revision)
                for event in db.session.scalars(
                    db.select(AuditEvent).filter_by(contact_id=contact.id).order_by(AuditEvent.id)
                )
            ],
        }


def test_a_batch_stores_each_new_entry_as_the_form_does(app, ruiz, district):
    """Sent in a batch, new entries are inserted a table at a time; entered on the form, one
    by one through the ORM: the revision, its flags, facts, choices, students and audit event
    must come out the same."""
    lincoln = district["lincoln"]
    two_students = arrest_entry(lincoln)["students"] * 2
    restrained = arrest_entry(
        lincoln,
        actions=["arrest", "search", "restraint", "detention"],
        students=two_students,
        students_involved=2,
    )
    restrained["justification"]["injuries"] = "student_minor"
    sent = [
        mentoring_entry(lincoln, narrative="Talked about attendance."),
        arrest_entry(lincoln),
        restrained,
        arrest_entry(lincoln, occurred_at=(datetime.now(UTC) - timedelta(days=9)).isoformat()),
    ]
    results = ruiz.sync(*(envelope(entry) for entry in sent))
    assert [r["status"] for r in results] == ["accepted"] * len(sent), results
    with app.app_context():
        officer = db.session.scalar(db.select(User).filter_by(username="ofc.ruiz"))
        by_form = [str(make_contact(officer, entry).id) for entry in sent]
    for synced, entered in zip(results, by_form, strict=True):
        assert _as_stored(app, synced["id"]) == _as_stored(app, entered)
    assert _as_stored(app, results[3]["id"])["flags"]  # a late entry, flagged
    assert _as_stored(app, results[2]["id"])["students"]
