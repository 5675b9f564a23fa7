"""Supervisor review through the Flask test client: the queue, decisions, and the record."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from logger import rules
from logger.core.models import Assignment, AuditEvent, Contact, User
from logger.extensions import db
from logger.officer import entries
from tests.factories import (
    arrest_entry,
    form_token,
    make_contact,
    make_school,
    make_user,
    mentoring_entry,
)

NOW = datetime.now(UTC)


@pytest.fixture
def teams(app):
    """Sergeant Park supervises Ruiz; Sergeant Vance supervises Chen."""
    with app.app_context():
        lincoln = make_school("LHS", "Lincoln High School")
        park, vance = make_user("sgt.park", "supervisor"), make_user("sgt.vance", "supervisor")
        make_user("ofc.ruiz", schools=[lincoln], supervisor=park)
        make_user("ofc.chen", schools=[lincoln], supervisor=vance)
        return {"lincoln": lincoln.id}


def officer(username: str) -> User:
    return db.session.scalar(db.select(User).filter_by(username=username))


def logged(app, username, entry, received_at=None) -> str:
    if received_at:
        entry = {**entry, "occurred_at": (received_at - timedelta(minutes=10)).isoformat()}
    with app.app_context():
        return str(make_contact(officer(username), entry, received_at=received_at).id)


def decide(client, entry_id, decision, comment="", revision=1):
    page = client.get(f"/review/{entry_id}").get_data(as_text=True)
    token = form_token(page)
    return client.post(
        f"/review/{entry_id}/decision",
        data={"csrf_token": token, "decision": decision, "comment": comment, "revision": revision},
    )


def state(app, entry_id):
    with app.app_context():
        contact = db.session.get(Contact, uuid.UUID(entry_id))
        return contact.current_revision, contact.current.status


def actions(app, entry_id) -> list[str]:
    with app.app_context():
        return [
            e.action
            for e in db.session.scalars(
                db.select(AuditEvent)
                .filter_by(contact_id=uuid.UUID(entry_id))
                .order_by(AuditEvent.id)
            )
        ]


def test_submit_return_resubmit_approve_with_everything_on_the_record(app, client, auth, teams):
    entry_id = logged(app, "ofc.ruiz", arrest_entry(teams["lincoln"]))
    auth.login("sgt.park")
    assert entry_id in client.get("/review").get_data(as_text=True)
    response = decide(client, entry_id, "return", "Say what the student was doing before.")
    assert response.status_code == 302 and state(app, entry_id) == (1, "returned")
    auth.logout()

    auth.login("ofc.ruiz")
    page = client.get("/entries").get_data(as_text=True)
    assert "1 entry was returned" in page and "Say what the student was doing before." in page
    api = client.get("/api/v1/entries").get_json()["entries"][0]
    assert (
        api["status"] == "returned"
        and api["review"]["comment"] == "Say what the student was doing before."
    )
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    fixed = arrest_entry(teams["lincoln"], narrative="He was pacing by the gym doors first.")
    result = client.post(
        "/api/v1/sync",
        headers={"X-CSRFToken": token},
        json={"entries": [{"id": entry_id, "base_revision": 1, "contact": fixed}]},
    ).get_json()["results"][0]
    assert (result["status"], result["revision"]) == ("accepted", 2)
    assert state(app, entry_id) == (2, "submitted")
    auth.logout()

    auth.login("sgt.park")
    page = client.get(f"/review/{entry_id}").get_data(as_text=True)
    assert "Revision 1 → 2" in page and "He was pacing by the gym doors first." in page
    assert "Say what the student was doing before." in page  # the history of decisions
    refused = decide(client, entry_id, "approve", "", revision=2)
    assert (
        refused.status_code == 422
        and "Comment on the arrest before approving." in refused.get_data(as_text=True)
    )
    assert decide(client, entry_id, "approve", "Justified.", revision=2).status_code == 302
    assert state(app, entry_id) == (2, "approved")
    assert actions(app, entry_id) == [
        "contact.submitted",
        "review.return",
        "contact.revised",
        "review.approve",
    ]


def test_a_supervisor_never_sees_or_decides_another_teams_entries(app, client, auth, teams):
    entry_id = logged(app, "ofc.chen", mentoring_entry(teams["lincoln"]))
    auth.login("sgt.park")
    assert entry_id not in client.get("/review").get_data(as_text=True)
    assert client.get(f"/review/{entry_id}").status_code == 404  # as if there were none
    token = form_token(client.get("/review").get_data(as_text=True))
    response = client.post(
        f"/review/{entry_id}/decision",
        data={"csrf_token": token, "decision": "approve", "revision": 1},
    )
    assert response.status_code == 404 and state(app, entry_id) == (1, "submitted")


def test_officers_cannot_review(app, client, auth, teams):
    entry_id = logged(app, "ofc.ruiz", mentoring_entry(teams["lincoln"]))
    auth.login("ofc.ruiz")
    assert client.get("/review").status_code == 403
    assert client.get(f"/review/{entry_id}").status_code == 403
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    assert (
        client.post(
            f"/review/{entry_id}/decision",
            data={"csrf_token": token, "decision": "approve", "revision": 1},
        ).status_code
        == 403
    )


def test_deciding_on_a_stale_revision_is_refused_with_409(app, client, auth, teams):
    entry_id = logged(app, "ofc.ruiz", mentoring_entry(teams["lincoln"]))
    auth.login("sgt.park")
    response = decide(client, entry_id, "approve", revision=0)
    assert response.status_code == 409
    assert "This entry changed since you opened it" in response.get_data(as_text=True)
    assert state(app, entry_id) == (1, "submitted")


@pytest.mark.parametrize(
    "decision, comment, flagged, message",
    [
        ("return", "", False, "Say what the officer should correct."),
        ("return", "   ", False, "Say what the officer should correct."),
        ("approve", "", True, "Comment on the arrest before approving."),
        ("maybe", "ok", False, "Choose to approve the entry or return it for correction."),
        ("approve", "x" * 2001, False, "Shorten the comment to 2000 characters or fewer."),
    ],
)
def test_comment_rules_keep_what_was_typed(
    app, client, auth, teams, decision, comment, flagged, message
):
    entry = arrest_entry(teams["lincoln"]) if flagged else mentoring_entry(teams["lincoln"])
    entry_id = logged(app, "ofc.ruiz", entry)
    auth.login("sgt.park")
    response = decide(client, entry_id, decision, comment)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert comment.strip()[:50] in page
    assert state(app, entry_id) == (1, "submitted")


def test_an_unflagged_entry_is_approved_without_a_comment(app, client, auth, teams):
    entry_id = logged(app, "ofc.ruiz", mentoring_entry(teams["lincoln"]))
    auth.login("sgt.park")
    assert decide(client, entry_id, "approve").status_code == 302
    assert state(app, entry_id) == (1, "approved")


def force_entry(school_id, **changes):
    entry = arrest_entry(school_id, actions=["use_of_force"], force_types=["takedown"])
    entry["justification"].update(injuries="none", supervisor_notified=True)
    entry.update(changes)
    return entry


def test_the_queue_puts_the_highest_concern_first_then_the_oldest(app, client, auth, teams):
    school = teams["lincoln"]
    detention = arrest_entry(school, actions=["detention"])
    search = arrest_entry(school, actions=["search"])
    del search["justification"]["why_last_resort"]
    restraint = arrest_entry(school, actions=["restraint"])
    restraint["justification"]["injuries"] = "none"
    discipline = arrest_entry(
        school,
        classification="disciplinary",
        school_rule="fighting_no_injury",
        involvement_reason="Staff called for help with a fight in progress.",
        actions=["citation"],
    )
    del discipline["offense_category"], discipline["justification"]["why_last_resort"]
    made = {  # received in an order unlike the queue's
        "plain_new": (mentoring_entry(school), 1),
        "search": (search, 2),
        "arrest": (arrest_entry(school), 3),
        "plain_old": (mentoring_entry(school), 9),
        "detention": (detention, 4),
        "force": (force_entry(school), 5),
        "restraint": (restraint, 6),
        "discipline": (discipline, 7),
    }
    ids = {
        name: logged(app, "ofc.ruiz", entry, NOW - timedelta(hours=hours))
        for name, (entry, hours) in made.items()
    }
    auth.login("sgt.park")
    page = client.get("/review").get_data(as_text=True)
    order = re.findall(r'href="/review/([0-9a-f-]{36})"', page)
    expected = [
        "force",
        "discipline",
        "arrest",
        "restraint",
        "detention",
        "search",
        "plain_old",
        "plain_new",
    ]
    assert order == [ids[name] for name in expected]


def test_filters_narrow_the_queue_and_count_each_choice(app, client, auth, teams):
    school = teams["lincoln"]
    arrest = logged(app, "ofc.ruiz", arrest_entry(school))
    plain = logged(app, "ofc.ruiz", mentoring_entry(school))
    auth.login("sgt.park")
    page = client.get("/review?flag=arrest").get_data(as_text=True)
    assert arrest in page and plain not in page
    assert "Arrest (1)" in page and "Mentoring (1)" not in page  # counts follow the other filters
    assert "Criminal (1)" in page
    page = client.get("/review?classification=mentoring").get_data(as_text=True)
    assert plain in page and arrest not in page
    tomorrow = (NOW + timedelta(days=2)).date().isoformat()
    assert "Nothing waits" in client.get(f"/review?date_from={tomorrow}").get_data(as_text=True)
    assert "Dates are written like" in client.get("/review?date_from=soon").get_data(as_text=True)


def test_the_school_filter_offers_where_the_teams_entries_wait(app, client, auth, teams):
    """A state runs thousands of schools: the filter lists those with the team's waiting
    entries (and one already chosen), not every school."""
    with app.app_context():
        adams = make_school("AMS", "Adams Middle", "middle").id
        make_school("QHS", "Quincy High School")
        chen = officer("ofc.chen")
        chen.assignments.append(
            Assignment(school_id=adams, starts_on=chen.assignments[0].starts_on)
        )
        db.session.commit()
    logged(app, "ofc.ruiz", mentoring_entry(teams["lincoln"]))
    logged(app, "ofc.chen", mentoring_entry(adams))  # Vance's team, not Park's
    auth.login("sgt.park")
    page = client.get("/review").get_data(as_text=True)
    assert "Lincoln High School (1)" in page
    assert "Adams Middle" not in page and "Quincy High School" not in page
    page = client.get(f"/review?school_id={adams}").get_data(as_text=True)
    assert "Adams Middle (0)" in page and "Nothing waits" in page


def test_an_entry_edited_while_it_waits_is_in_the_queue_once_as_edited(app, client, auth, teams):
    """The superseded revision is still "submitted", but only the current one waits: on the
    page, in every count and on the supervisor's home."""
    school = teams["lincoln"]
    entry_id = logged(app, "ofc.ruiz", arrest_entry(school))
    with app.app_context():
        ruiz = officer("ofc.ruiz")
        edited = entries.check(ruiz, mentoring_entry(school), now=datetime.now(UTC))
        saved = entries.save(
            ruiz,
            uuid.UUID(entry_id),
            edited,
            received_at=datetime.now(UTC),
            client_addr=None,
            base_revision=1,
        )
        db.session.commit()
        assert saved.revision == 2
    auth.login("sgt.park")
    page = client.get("/review").get_data(as_text=True)
    assert page.count(f'href="/review/{entry_id}"') == 1
    assert "Mentoring (1)" in page and "Criminal (0)" in page and "Arrest (1)" not in page
    assert "Lincoln High School (1)" in page
    assert "1 entry waits" in client.get("/").get_data(as_text=True)
    assert decide(client, entry_id, "approve", revision=2).status_code == 302
    assert "Nothing waits" in client.get("/review").get_data(as_text=True)


def test_bulk_approval_is_only_for_unflagged_entries(app, client, auth, teams):
    plain = [logged(app, "ofc.ruiz", mentoring_entry(teams["lincoln"])) for _ in range(3)]
    flagged = logged(app, "ofc.ruiz", arrest_entry(teams["lincoln"]))
    auth.login("sgt.park")
    page = client.get("/review").get_data(as_text=True)
    assert f'value="{flagged}:1"' not in page and f'value="{plain[0]}:1"' in page
    token = form_token(page)
    response = client.post(
        "/review/bulk-approve",
        data={"csrf_token": token, "entry": [f"{p}:1" for p in plain]},
        follow_redirects=True,
    )
    assert "Approved 3 entries." in response.get_data(as_text=True)
    assert all(state(app, p) == (1, "approved") for p in plain)
    response = client.post(
        "/review/bulk-approve",
        data={"csrf_token": token, "entry": [f"{flagged}:1"]},
        follow_redirects=True,
    )
    assert "Flagged entries are approved one at a time" in response.get_data(as_text=True)
    assert state(app, flagged) == (1, "submitted")


def test_the_supervisors_home_shows_what_waits(app, client, auth, teams):
    logged(app, "ofc.ruiz", mentoring_entry(teams["lincoln"]), NOW - timedelta(hours=5))
    logged(app, "ofc.ruiz", mentoring_entry(teams["lincoln"]), NOW - timedelta(hours=1))
    auth.login("sgt.park")
    page = client.get("/").get_data(as_text=True)
    assert "2 entries wait for your review; the oldest for 5 h." in page


@pytest.mark.parametrize(
    "flags, rank",
    [
        (["use_of_force", "search"], 0),
        (["discipline_enforcement"], 1),
        (["arrest", "detention"], 2),
        (["restraint"], 3),
        (["detention"], 4),
        (["search"], 5),
        (["late_entry"], 6),
        ([], 6),
    ],
)
def test_concern_rank(flags, rank):
    assert rules.concern(flags) == rank


def test_the_queue_is_paginated_and_pages_keep_the_filters(app, client, auth, teams):
    with app.app_context():
        ruiz = officer("ofc.ruiz")
        for _ in range(51):
            make_contact(ruiz, mentoring_entry(teams["lincoln"]))
    auth.login("sgt.park")
    first = client.get("/review?classification=mentoring").get_data(as_text=True)
    assert len(re.findall(r'href="/review/[0-9a-f-]{36}"', first)) == 50
    assert "Page 1 of 2" in first and "page=2" in first and "classification=mentoring" in first
    second = client.get("/review?classification=mentoring&page=2").get_data(as_text=True)
    assert len(re.findall(r'href="/review/[0-9a-f-]{36}"', second)) == 1


@pytest.mark.parametrize(
    "query",
    [
        "officer_id=99999999999999999999",
        "school_id=99999999999999999999",
        "date_to=9999-12-31",
        "date_from=0001-01-01",
        "page=abc",
    ],
)
def test_odd_queue_queries_never_cause_a_server_error(app, client, auth, teams, query):
    logged(app, "ofc.ruiz", mentoring_entry(teams["lincoln"]))
    auth.login("sgt.park")
    assert client.get(f"/review?{query}").status_code == 200


def test_one_revision_is_decided_once_even_by_two_tabs(app, client, auth, teams):
    entry_id = logged(app, "ofc.ruiz", mentoring_entry(teams["lincoln"]))
    auth.login("sgt.park")
    page = client.get(f"/review/{entry_id}").get_data(as_text=True)
    token = form_token(page)
    first = client.post(
        f"/review/{entry_id}/decision",
        data={"csrf_token": token, "decision": "approve", "revision": 1},
    )
    second = client.post(
        f"/review/{entry_id}/decision",
        data={"csrf_token": token, "decision": "return", "comment": "Late tab.", "revision": 1},
    )
    assert first.status_code == 302 and second.status_code == 409
    with app.app_context():
        assert len(db.session.get(Contact, uuid.UUID(entry_id)).decisions) == 1
