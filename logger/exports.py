"""Evaluation exports: de-identified entries as CSV, JSON Lines or a SQLite database.

Every format is built from the same rows (`rows()`), streamed from the
database a batch at a time, so memory stays flat however many entries there
are. Officers and reviewers appear under a keyed pseudonym unless an admin
asks for names; narratives only when asked for.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import sqlite_utils
from flask import current_app
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from . import audit, rules
from .clock import day_start
from .extensions import db
from .models import (
    CURRENT_REVISION,
    Contact,
    ContactRevision,
    ReviewDecision,
    RevisionFlag,
    School,
    User,
)

FORMATS = ("csv", "students.csv", "jsonl", "sqlite")
STATUSES = ("approved", "submitted", "returned", "all")
BATCH = 1000

# name, description: the columns of one entry, in the data dictionary's words.
ENTRY_COLUMNS = (
    ("entry_id", "The entry's UUID, minted on the officer's phone."),
    ("revision", "The revision exported (the entry's current one)."),
    ("status", "submitted, returned or approved."),
    ("approved_at", "When a supervisor approved this revision (UTC), if approved."),
    ("officer", "The officer: a pseudonym, stable across exports made with the same key."),
    ("school", "The school's code."),
    ("occurred_at", "When the contact happened (ISO 8601 with the officer's UTC offset)."),
    ("received_at", "When the server received this revision (UTC)."),
    ("location", "Where: " + ", ".join(rules.LOCATIONS) + "."),
    ("initiated_by", "Who started the contact: " + ", ".join(rules.INITIATORS) + "."),
    ("classification", "disciplinary, criminal or mentoring."),
    ("school_rule", "For disciplinary contacts: the school rule involved."),
    ("involvement_reason", "For disciplinary contacts: why an officer, not school staff, "
                           "handled it (COPS principle 3)."),
    ("offense_category", "For criminal contacts: the offense category."),
    ("mentoring_type", "For mentoring contacts: the kind of mentoring."),
    ("students_involved", "How many students were involved (1-50)."),
    ("actions", "Actions taken, joined with ';'."),
    ("force_types", "Types of force used, joined with ';'."),
    ("justification_basis", "The specific facts that made the enforcement action necessary."),
    ("justification_alternatives_tried", "What was tried first, joined with ';'."),
    ("justification_why_last_resort", "Why the detention, restraint, arrest or force was a "
                                      "last resort (COPS principle 4)."),
    ("justification_injuries", "Injuries from a restraint or use of force."),
    ("justification_supervisor_notified", "Whether a supervisor was notified of the use of "
                                          "force (true/false)."),
    ("flags", "Flags the rules raised, joined with ';': " + ", ".join(rules.FLAGS) + "."),
    ("narrative", "The officer's narrative; only in exports made with narratives."),
)
STUDENT_COLUMNS = (
    ("entry_id", "The entry the student belongs to."),
    ("student_number", "1 for the first student described in the entry, 2 for the next..."),
    ("grade_band", "elementary, middle or high."),
    ("perceived_race", "As the officer perceived it, joined with ';'."),
    ("perceived_gender", "As the officer perceived it."),
    ("perceived_disability", "Whether the officer perceived a disability (true/false)."),
)
ACTION_COLUMNS = (("entry_id", "The entry."), ("action", "One action taken."))
REVIEW_COLUMNS = (
    ("entry_id", "The entry."), ("revision", "The revision decided on."),
    ("decision", "approve or return."), ("reviewer", "The supervisor: a pseudonym."),
    ("decided_at", "When (UTC)."), ("comment", "The supervisor's comment, if any."),
)
MULTI = {"actions", "force_types", "justification_alternatives_tried", "flags", "perceived_race"}


@dataclass
class Choice:
    """What to export: filters and options; every filter optional."""

    status: str = "approved"
    date_from: date | None = None
    date_to: date | None = None
    school_id: int | None = None
    officer_id: int | None = None
    classification: str | None = None
    narratives: bool = False
    names: bool = False  # admins only, on purpose

    def audit_detail(self, export_format: str) -> dict:
        return {"format": export_format,
                **{k: (v.isoformat() if isinstance(v, date) else v)
                   for k, v in asdict(self).items() if v not in (None, False)}}


def pseudonym(user: User, names: bool) -> str:
    """A stable, keyed pseudonym for a person, or their user name when names are asked for."""
    if names:
        return user.username
    key = current_app.config["SRO_EXPORT_KEY"].encode()
    return "person-" + hmac.new(key, f"user:{user.id}".encode(), hashlib.sha256).hexdigest()[:12]


def officer_choices(names: bool) -> list[tuple[int, str]]:
    """(id, how the export names them) for every officer, in that order: filter choices."""
    officers = db.session.scalars(select(User).where(User.role == "officer")).all()
    return sorted(((officer.id, pseudonym(officer, names)) for officer in officers),
                  key=lambda pair: pair[1])


def _query(choice: Choice):
    approval = aliased(ReviewDecision)
    flags = (select(func.aggregate_strings(RevisionFlag.flag, " "))
             .where(RevisionFlag.revision_id == ContactRevision.id).scalar_subquery())
    query = (select(Contact.id.label("entry_id"), Contact.officer_id, ContactRevision.number,
                    ContactRevision.status, ContactRevision.content, ContactRevision.received_at,
                    approval.decided_at, School.code, flags.label("flags"))
             .join(ContactRevision, CURRENT_REVISION)
             .join(School, School.id == ContactRevision.school_id)
             .outerjoin(approval, and_(approval.contact_id == Contact.id,
                                       approval.revision == ContactRevision.number,
                                       approval.decision == "approve"))
             .order_by(ContactRevision.occurred_at, Contact.id))
    if choice.status != "all":
        query = query.where(ContactRevision.status == choice.status)
    if choice.date_from:
        query = query.where(ContactRevision.occurred_at >= day_start(choice.date_from))
    if choice.date_to:
        query = query.where(ContactRevision.occurred_at < day_start(choice.date_to + timedelta(days=1)))
    if choice.school_id:
        query = query.where(ContactRevision.school_id == choice.school_id)
    if choice.officer_id:
        query = query.where(Contact.officer_id == choice.officer_id)
    if choice.classification:
        query = query.where(ContactRevision.classification == choice.classification)
    return query


def rows(choice: Choice) -> Iterator[dict]:
    """The entries to export, nested as in the data dictionary, a batch at a time.

    One query, streamed (a server-side cursor on PostgreSQL), of plain columns with
    each entry's flags gathered in SQL: nothing accumulates in the session or in the
    driver's statement cache, so memory stays flat however many entries stream past.
    """
    officers: dict[int, str] = {}
    for row in db.session.execute(_query(choice).execution_options(yield_per=BATCH)):
        if row.officer_id not in officers:
            officers[row.officer_id] = pseudonym(db.session.get(User, row.officer_id),
                                                 choice.names)
        entry = {key: value for key, value in row.content.items()
                 if key not in ("school_id", "narrative")}
        if choice.narratives and row.content.get("narrative"):
            entry["narrative"] = row.content["narrative"]
        raised = (row.flags or "").split()
        yield {"entry_id": str(row.entry_id), "revision": row.number, "status": row.status,
               "approved_at": row.decided_at.isoformat() if row.decided_at else None,
               "officer": officers[row.officer_id], "school": row.code,
               "received_at": row.received_at.isoformat(),
               "flags": [name for name in rules.FLAGS if name in raised],
               **entry}


def flat(row: dict) -> dict:
    """One entry as a CSV row: justification fields prefixed, lists joined with ';'."""
    out = {}
    for name, _ in ENTRY_COLUMNS:
        if name.startswith("justification_"):
            value = (row.get("justification") or {}).get(name.removeprefix("justification_"))
        else:
            value = row.get(name)
        out[name] = _cell(name, value)
    return out


def student_rows(row: dict) -> Iterator[dict]:
    """One CSV row per student described in an entry."""
    for number, student in enumerate(row.get("students") or [], start=1):
        yield {"entry_id": row["entry_id"], "student_number": number,
               **{name: _cell(name, student.get(name)) for name, _ in STUDENT_COLUMNS[2:]}}


def _cell(name: str, value):
    if value is None:
        return ""
    if name in MULTI:
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_lines(records: Iterator[dict], columns) -> Iterator[str]:
    """CSV text, a line at a time, with a header row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[name for name, _ in columns])
    writer.writeheader()
    for record in records:
        writer.writerow(record)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def stream(choice: Choice, export_format: str) -> Iterator[str]:
    """The text of a CSV or JSON Lines export, a line at a time."""
    if export_format == "csv":
        return csv_lines((flat(row) for row in rows(choice)), ENTRY_COLUMNS)
    if export_format == "students.csv":
        return csv_lines((s for row in rows(choice) for s in student_rows(row)), STUDENT_COLUMNS)
    if export_format == "jsonl":
        return (json.dumps(row, ensure_ascii=False) + "\n" for row in rows(choice))
    raise ValueError(f"not a streamed format: {export_format}")


def write_sqlite(choice: Choice, path: str) -> None:
    """A SQLite database for Datasette: entries, actions, students, reviews, data_dictionary."""
    out = sqlite_utils.Database(path, recreate=True)
    entry_types = {name: (int if name in ("revision", "students_involved") else str)
                   for name, _ in ENTRY_COLUMNS}
    out["entries"].create(entry_types, pk="entry_id")
    out["actions"].create({"entry_id": str, "action": str},
                          foreign_keys=[("entry_id", "entries", "entry_id")])
    out["students"].create({"entry_id": str, "student_number": int, "grade_band": str,
                            "perceived_race": str, "perceived_gender": str,
                            "perceived_disability": str},
                           pk=("entry_id", "student_number"),
                           foreign_keys=[("entry_id", "entries", "entry_id")])
    out["reviews"].create({"entry_id": str, "revision": int, "decision": str, "reviewer": str,
                           "decided_at": str, "comment": str},
                          foreign_keys=[("entry_id", "entries", "entry_id")])
    exported: list[str] = []
    for row in rows(choice):
        out["entries"].insert(flat(row))
        out["actions"].insert_all({"entry_id": row["entry_id"], "action": action}
                                  for action in row.get("actions") or [])
        out["students"].insert_all(student_rows(row))
        exported.append(row["entry_id"])
        if len(exported) >= BATCH:
            _write_reviews(out, exported, choice)
            exported = []
    _write_reviews(out, exported, choice)
    for table, column in (("entries", "occurred_at"), ("entries", "school"),
                          ("entries", "classification"), ("entries", "officer"),
                          ("actions", "entry_id"), ("actions", "action"),
                          ("reviews", "entry_id")):
        out[table].create_index([column], if_not_exists=True)
    out["data_dictionary"].insert_all(
        {"table_name": table, "column_name": name, "description": description}
        for table, columns in (("entries", ENTRY_COLUMNS), ("students", STUDENT_COLUMNS),
                               ("actions", ACTION_COLUMNS), ("reviews", REVIEW_COLUMNS))
        for name, description in columns)
    out.close()


def _write_reviews(out, entry_ids: list[str], choice: Choice) -> None:
    if not entry_ids:
        return
    decisions = db.session.scalars(
        select(ReviewDecision).where(ReviewDecision.contact_id.in_([uuid.UUID(i) for i in entry_ids]))
        .order_by(ReviewDecision.id)).all()
    out["reviews"].insert_all(
        {"entry_id": str(d.contact_id), "revision": d.revision, "decision": d.decision,
         "reviewer": pseudonym(d.reviewer, choice.names), "decided_at": d.decided_at.isoformat(),
         "comment": d.comment or ""} for d in decisions)


def record(actor: User | None, choice: Choice, export_format: str, client_addr: str | None) -> None:
    """The audit event every export leaves; the caller commits."""
    audit.record("export", actor=actor, client_addr=client_addr,
                 detail=choice.audit_detail(export_format))
