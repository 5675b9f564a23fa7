"""Builders of test data and the sign-in helper the tests share (fixtures are in conftest.py).

Tests import these from here, never from conftest.py.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime, timedelta

from werkzeug.security import generate_password_hash

from logger import rules
from logger.core import clock
from logger.core.models import (
    Assignment,
    CommunityInputSession,
    Contact,
    ContactRevision,
    Mou,
    OfficerSelection,
    OfficerTraining,
    OutreachEvent,
    PracticeActivity,
    ReviewDecision,
    RevisionChoice,
    RevisionFlag,
    RevisionStudent,
    School,
    StaffTraining,
    Supervision,
    User,
)
from logger.extensions import db
from logger.officer import entries

PASSWORD = "correct horse battery"
ASSIGNED_SINCE = date(2000, 1, 1)  # builders' officers are assigned since long before any entry
_PASSWORD_HASH = generate_password_hash(PASSWORD)


def form_token(page: str, name: str = "csrf_token") -> str:
    """The value of a form's hidden field (the CSRF token by default) in a page's HTML."""
    return re.search(rf'name="{name}"[^>]* value="([^"]+)"', page).group(1)


def make_school(
    code: str = "LHS", name: str = "Lincoln High School", level: str = "high"
) -> School:
    school = School(code=code, name=name, level=level)
    db.session.add(school)
    db.session.commit()
    return school


def make_user(
    username: str, role: str = "officer", *, schools=(), supervisor=None, active: bool = True
) -> User:
    """A user whose password is PASSWORD (hashed once per run)."""
    user = User(
        username=username,
        role=role,
        active=active,
        password_hash=_PASSWORD_HASH,
        supervisor=supervisor,
    )
    user.assignments = [Assignment(school=school, starts_on=ASSIGNED_SINCE) for school in schools]
    if supervisor is not None:
        user.supervisions = [Supervision(supervisor=supervisor)]
    db.session.add(user)
    db.session.commit()
    return user


def mentoring_entry(school_id: int, **changes) -> dict:
    """A valid mentoring entry, as the sync API would send it."""
    entry = {
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "school_id": school_id,
        "location": "hallway",
        "setting": "school_grounds",
        "initiated_by": "student",
        "classification": "mentoring",
        "mentoring_type": "informal_counseling",
        "students_involved": 1,
        "actions": ["none"],
        "narrative": "",
    }
    entry.update(changes)
    return entry


def v2_facts(actions) -> dict:
    """The data dictionary v2 facts these actions call for, each valid."""
    facts = {}
    if "detention" in actions:
        facts["detention_minutes"] = 30
    if "restraint" in actions:
        facts.update(restraint_types=["physical"], restraint_minutes=5, restraint_prone=False)
    if "search" in actions:
        facts.update(search_basis="reasonable_suspicion", search_found=["nothing"])
    if {"citation", "arrest"} & set(actions):
        facts["outcome_referrals"] = ["juvenile_court"]
    if set(actions) & set(rules.ENFORCEMENT_ACTIONS):
        facts.update(parent_notified=True, principal_notified=True)
    return facts


def arrest_entry(school_id: int, **changes) -> dict:
    """A valid criminal entry with an arrest, its full justification and the v2 facts its
    actions (arrest, unless changed) call for."""
    entry = mentoring_entry(
        school_id,
        classification="criminal",
        offense_category="weapons",
        actions=["arrest"],
        initiated_by="school_staff",
        duration_minutes=30,
    )
    del entry["mentoring_type"]
    entry["justification"] = {
        "basis": "Staff found a knife in the student's backpack during a fight report.",
        "alternatives_tried": ["verbal_deescalation", "school_staff_involved"],
        "why_last_resort": "The student refused to hand over a second weapon and threatened staff.",
    }
    entry["students"] = [
        {
            "grade_band": "high",
            "perceived_race": ["white"],
            "perceived_gender": "male",
            "perceived_disability": False,
        }
    ]
    entry.update(changes)
    return {**v2_facts(entry["actions"]), **entry}


def make_contact(
    officer: User,
    entry: dict,
    *,
    received_at: datetime | None = None,
    version: int = rules.CURRENT_VERSION,
):
    """Store an entry for an officer through the domain, as the app would (under an older
    data dictionary version for an entry stored before an upgrade)."""
    received_at = received_at or datetime.now(UTC)
    verdict = entries.check(officer, entry, now=received_at, version=version)
    assert verdict.ok, verdict.errors
    entry_id = uuid.uuid4()
    entries.save(officer, entry_id, verdict, received_at=received_at, client_addr="127.0.0.1")
    db.session.commit()
    return db.session.get(Contact, entry_id)


def make_program_records(officer: User, school: School, words: str = "Notes") -> dict:
    """One program record of each kind (issue 13) about this officer and school, its id by
    kind; `words` fills the text (long words where they might stretch a page)."""
    day = clock.today() - timedelta(days=3)
    records = {
        "community_input": CommunityInputSession(
            held_on=day, audience=words, attended=12, summary=words
        ),
        "mou": Mou(
            parties=f"{school.name}\nCity Police Department",
            signed_on=day,
            effective_on=day,
            expires_on=day + timedelta(days=700),
            reference=f"https://district.example/{words}.pdf",
        ),
        "selection": OfficerSelection(
            officer=officer,
            selected_on=day,
            staff_on_panel=True,
            community_on_panel=False,
            qualifications=words,
        ),
        "training": OfficerTraining(
            officer=officer,
            completed_on=day,
            course=words,
            hours=7.5,
            topic="disabilities_special_education",
        ),
        "staff_training": StaffTraining(
            held_on=day, school=school, staff_trained=30, summary=words
        ),
        "outreach": OutreachEvent(held_on=day, school=school, audience=words, attended=80),
        "practice": PracticeActivity(
            held_on=day, kind="peer_network_meeting", hours=2, officers=[officer], summary=words
        ),
    }
    db.session.add_all(records.values())
    db.session.commit()
    return {key: record.id for key, record in records.items()}


def empty_database() -> None:
    """Delete every row, in dependency order (the audit trail's guard is on the ORM only)."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def forget_entries() -> None:
    """Hypothesis runs many examples in one test: start each from no entries (their audit
    events stay, as they would)."""
    for model in (
        ReviewDecision,
        RevisionFlag,
        RevisionChoice,
        RevisionStudent,
        ContactRevision,
        Contact,
    ):
        db.session.execute(db.delete(model))
    db.session.commit()


class Auth:
    """Signs a test client in and out through the real form."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self, path: str = "/login") -> str:
        return form_token(self.client.get(path, follow_redirects=True).get_data(as_text=True))

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": self.csrf_token()},
        )

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf_token("/")})


def sign_in_as_someone(app, auth: Auth, role: str) -> None:
    """Sign this browser out, then in as a new user called "someone" with this role."""
    with app.app_context():
        make_user("someone", role=role)
    auth.logout()
    auth.login("someone")


def envelope(contact, entry_id=None, base_revision=0, **extra):
    """One entry as the phone's outbox sends it to the sync API."""
    return {
        "id": entry_id or str(uuid.uuid4()),
        "base_revision": base_revision,
        "contact": contact,
        **extra,
    }


class Api:
    """An officer's phone talking to the sync API through a (signed-in) test client."""

    def __init__(self, client):
        self.client = client

    def token(self) -> str:
        return self.client.get("/api/v1/session").get_json()["csrf_token"]

    def post(self, body, **kwargs):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.post(
            "/api/v1/sync",
            data=data,
            content_type="application/json",
            headers={"X-CSRFToken": self.token()},
            **kwargs,
        )

    def sync(self, *envelopes) -> list[dict]:
        response = self.post({"entries": list(envelopes)})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["results"]
