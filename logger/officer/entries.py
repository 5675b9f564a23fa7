"""Contact entries: checking them with the rules, recording them, listing an officer's own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, inspect, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from logger import rules
from logger.auth.scopes import entries_visible_to
from logger.core import audit, clock
from logger.core.database import insert_rows, new_ids, one_of
from logger.core.models import (
    Contact,
    ContactRevision,
    RevisionChoice,
    RevisionFacts,
    RevisionFlag,
    RevisionStudent,
    User,
)
from logger.extensions import db


def parse_entry_id(value: object) -> uuid.UUID | None:
    """An entry id as minted on the device (a UUID, version 4), or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return parsed if parsed.version == 4 else None


def check(
    officer: User, entry: dict, *, now: datetime, version: int = rules.CURRENT_VERSION
) -> rules.Verdict:
    """The rules' verdict on an entry from this officer: at a school they were assigned to on
    the contact's day (the district's day; today when the time cannot be read). Every write
    is checked under the current dictionary; the demo writes its past years under v1."""
    day = _contact_day(entry, now)
    assigned = {
        assignment.school_id for assignment in officer.assignments if assignment.covers(day)
    }
    verdict = rules.check(entry, assigned_school_ids=assigned, now=now, version=version)
    if verdict.school_not_assigned:
        _say_when_assigned(officer, entry, day, verdict)
    return verdict


def _contact_day(entry: object, now: datetime) -> date:
    """The district's day of the contact; today when its time cannot be read."""
    occurred = rules.parse_datetime(entry.get("occurred_at")) if isinstance(entry, dict) else None
    try:
        return clock.to_local(occurred or now).date()
    except (OverflowError, ValueError):  # beyond any calendar: the rules refuse the time anyway
        return clock.to_local(now).date()


def _say_when_assigned(officer: User, entry: dict, day: date, verdict: rules.Verdict) -> None:
    """Name the dates when the officer was assigned to the school, if they ever were."""
    school_id = rules.whole_number(str(entry.get("school_id")))
    periods = [(a.starts_on, a.ends_on) for a in officer.assignments if a.school_id == school_id]
    if periods:
        school = next(a.school for a in officer.assignments if a.school_id == school_id)
        verdict.errors["school_id"] = [rules.unassigned_day(school.name, periods, day)]


EDITABLE_STATUSES = ("submitted", "returned")


@dataclass
class Saved:
    """What save() did: a sync status, the entry's current revision (when known) and errors."""

    status: str  # accepted, duplicate, conflict, invalid, forbidden
    revision: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def store(
    officer: User,
    entry_id: uuid.UUID,
    verdict: rules.Verdict,
    *,
    received_at: datetime,
    client_addr: str | None,
    base_revision: int,
    amendment_explanation: object = None,
) -> Saved:
    """save() in a savepoint; when a concurrent send stored this entry first, look again.

    An answer that writes nothing (duplicate, conflict, invalid, forbidden) needs no
    savepoint; a resend of a stored batch is answered from the entries stored() loaded,
    as they were then. A write decides on the entry as it is now, read again (a
    supervisor may have approved it since). The database's unique constraints (the
    contact's id, a revision's number) decide between two concurrent sends; the loser's
    second look finds the winner's row and answers duplicate or conflict. The caller
    commits.
    """
    _refuse_unless_accepted(verdict)
    contact = db.session.get(Contact, entry_id)
    if contact is not None:
        answer = _answer_unwritten(officer, contact, verdict, base_revision, amendment_explanation)
        if answer is not None:
            return answer
        db.session.expire(contact)
    for _ in range(2):
        try:
            with db.session.begin_nested():
                return save(
                    officer,
                    entry_id,
                    verdict,
                    received_at=received_at,
                    client_addr=client_addr,
                    base_revision=base_revision,
                    amendment_explanation=amendment_explanation,
                )
        except IntegrityError:
            continue
    return Saved("conflict")


def stored(entry_ids: list[uuid.UUID]) -> dict[uuid.UUID, Contact]:
    """The contacts of these entry ids that are stored already, in one query, with their
    revisions (two more queries, only when there are any): while the caller holds them,
    store() answers a resend from them without a query of its own."""
    if not entry_ids:
        return {}
    found = db.session.scalars(
        select(Contact)
        .where(one_of(Contact.id, entry_ids))
        .options(selectinload(Contact.revisions), selectinload(Contact.current))
    )
    return {contact.id: contact for contact in found}


def store_new(
    officer: User,
    new: list[tuple[uuid.UUID, rules.Verdict]],
    *,
    received_at: datetime,
    client_addr: str | None,
) -> list[Saved] | None:
    """New entries (ids not stored when looked for), each table's rows in one INSERT, in one
    savepoint; a Saved for each, in order.

    None when a concurrent send stored one of them first (the contact's unique id
    decides): then none of them is kept, and the caller stores each with store().
    """
    if not new:
        return []
    for _, verdict in new:
        _refuse_unless_accepted(verdict)
    try:
        with db.session.begin_nested():
            _insert_new(officer, new, received_at, client_addr)
    except IntegrityError:
        return None
    return [Saved("accepted", 1) for _ in new]


def _insert_new(
    officer: User,
    new: list[tuple[uuid.UUID, rules.Verdict]],
    received_at: datetime,
    client_addr: str | None,
) -> None:
    """Each new contact at revision 1, with what _add_revision() stores beside it; the
    revisions' ids are taken first, for the rows that name them."""
    changed_at = clock.utcnow()
    insert_rows(
        Contact,
        [
            {
                "id": entry_id,
                "officer_id": officer.id,
                "current_revision": 1,
                "created_at": received_at,
                "updated_at": changed_at,
            }
            for entry_id, _ in new
        ],
    )
    revisions = []  # each new revision's columns, flags and facts
    for (entry_id, verdict), revision_id in zip(
        new, new_ids(ContactRevision, len(new)), strict=True
    ):
        columns, flags = _revision_columns(1, verdict, received_at, received_at)
        columns |= {"id": revision_id, "contact_id": entry_id, "officer_id": officer.id}
        revisions.append((columns, flags, RevisionFacts.of(verdict.entry, verdict.version)))
    insert_rows(ContactRevision, [columns | facts.columns for columns, _, facts in revisions])
    rows = {RevisionFlag: [], RevisionChoice: [], RevisionStudent: []}
    for columns, flags, facts in revisions:
        revision = {"revision_id": columns["id"]}
        rows[RevisionFlag] += [{**revision, "flag": name} for name in flags]
        rows[RevisionChoice] += [{**revision, **row} for row in facts.choices]
        rows[RevisionStudent] += [{**revision, **row} for row in facts.students]
    for model, model_rows in rows.items():
        if model_rows:
            insert_rows(model, model_rows)
    audit.record_each(
        "contact.submitted",
        [(entry_id, 1) for entry_id, _ in new],
        actor=officer,
        client_addr=client_addr,
        at=received_at,
    )


def save(
    officer: User,
    entry_id: uuid.UUID,
    verdict: rules.Verdict,
    *,
    received_at: datetime,
    client_addr: str | None,
    base_revision: int = 0,
    amendment_explanation: object = None,
) -> Saved:
    """Store an entry the rules accepted, idempotently on its id, and say what happened.

    `accepted`: a new contact, a new revision of a submitted or returned one
    (a returned one may be resubmitted unchanged; an edit may go back to an
    earlier revision's content), or an amendment of an approved one (with an
    explanation); `duplicate`: a resend of what is stored; `conflict`:
    base_revision is not current, or an approved entry came without an
    explanation; `invalid`: the explanation is too short; `forbidden`: the id
    belongs to another officer.
    base_revision 0 means "a new entry".
    """
    _refuse_unless_accepted(verdict)
    contact = db.session.get(Contact, entry_id)
    if contact is None:
        contact = Contact(id=entry_id, officer=officer, current_revision=0, created_at=received_at)
        db.session.add(contact)
        return _add_revision(contact, verdict, "contact.submitted", received_at, client_addr)
    answer = _answer_unwritten(officer, contact, verdict, base_revision, amendment_explanation)
    if answer is not None:
        return answer
    if contact.current.status in EDITABLE_STATUSES:
        return _add_revision(contact, verdict, "contact.revised", received_at, client_addr)
    return _add_revision(
        contact,
        verdict,
        "contact.amended",
        received_at,
        client_addr,
        amendment_explanation=amendment_explanation.strip(),
    )


def _answer_unwritten(
    officer: User,
    contact: Contact,
    verdict: rules.Verdict,
    base_revision: int,
    amendment_explanation: object,
) -> Saved | None:
    """save()'s answer for a stored entry when it writes nothing; None when it writes a
    revision (an edit of the current one, or an amendment with a good explanation)."""
    if contact.officer_id != officer.id:
        return Saved("forbidden")
    current = base_revision == contact.current_revision
    if contact.current.content == verdict.entry and not (
        current and contact.current.status == "returned"
    ):
        # Unless resubmitting a returned entry unchanged.
        return Saved("duplicate", contact.current_revision)
    if not current and any(r.content == verdict.entry for r in contact.revisions):
        return Saved("duplicate", contact.current_revision)  # a late resend of an earlier revision
    if not current:
        return Saved("conflict", contact.current_revision)
    if contact.current.status in EDITABLE_STATUSES:
        return None
    if amendment_explanation is None:
        return Saved("conflict", contact.current_revision)
    errors = rules.check_amendment(amendment_explanation)
    if errors:
        return Saved("invalid", contact.current_revision, errors)
    return None


def _refuse_unless_accepted(verdict: rules.Verdict) -> None:
    if not verdict.ok:
        raise ValueError("only entries the rules accept are saved")


def _add_revision(
    contact: Contact,
    verdict: rules.Verdict,
    action: str,
    received_at: datetime,
    client_addr: str | None,
    amendment_explanation: str | None = None,
) -> Saved:
    for earlier in contact.revisions:
        earlier.is_current = False  # the new revision is current from now on
    contact.current_revision += 1
    contact.updated_at = clock.utcnow()
    revision = _revision(contact.current_revision, verdict, received_at, contact.created_at)
    revision.amendment_explanation = amendment_explanation
    contact.revisions.append(revision)
    if inspect(contact).persistent:
        db.session.expire(contact, ["current"])  # `current` now means the new revision
    audit.record(
        action,
        actor=contact.officer,
        client_addr=client_addr,
        contact_id=contact.id,
        revision=contact.current_revision,
        at=received_at,
    )
    return Saved("accepted", contact.current_revision)


def _revision(
    number: int, verdict: rules.Verdict, received_at: datetime, first_received_at: datetime
) -> ContactRevision:
    """A revision of an entry, with its flags and facts."""
    columns, flags = _revision_columns(number, verdict, received_at, first_received_at)
    revision = ContactRevision(**columns)
    revision.flag_rows = [RevisionFlag(flag=name) for name in flags]
    revision.derive_facts()
    return revision


def _revision_columns(
    number: int, verdict: rules.Verdict, received_at: datetime, first_received_at: datetime
) -> tuple[dict, list[str]]:
    """A revision's columns (but its facts) and the flags the rules raise on it: with the
    dictionary version it was checked under; 'late' is judged by when the entry first arrived."""
    entry = verdict.entry
    flags = rules.flags(entry, received_at=first_received_at)
    columns = {
        "number": number,
        "content": entry,
        "classification": entry["classification"],
        "occurred_at": rules.parse_datetime(entry["occurred_at"]),
        "school_id": entry["school_id"],
        "status": "submitted",
        "received_at": received_at,
        "dictionary_version": verdict.version,
        "concern": rules.concern(flags),
    }
    return columns, flags


def _with_current_revision():
    return (
        select(Contact)
        .join(Contact.current)
        .options(
            contains_eager(Contact.current).selectinload(ContactRevision.flag_rows),
            contains_eager(Contact.current).joinedload(ContactRevision.school),
            selectinload(Contact.decisions),
        )
    )


def returned_count(officer: User) -> int:
    """How many of the officer's entries a supervisor returned for correction."""
    return db.session.scalar(
        select(func.count(Contact.id))
        .join(Contact.current)
        .where(entries_visible_to(officer), ContactRevision.status == "returned")
    )


def own_entries(officer: User):
    """A query for the officer's entries, newest contact first, with their current revision."""
    return (
        _with_current_revision()
        .where(entries_visible_to(officer))
        .order_by(ContactRevision.occurred_at.desc(), Contact.created_at.desc())
    )


@dataclass(frozen=True, order=True)
class Position:
    """Where an entry stands in the order of change: when it last changed, then its id."""

    updated_at: datetime
    entry_id: uuid.UUID

    @classmethod
    def of(cls, contact: Contact) -> Position:
        return cls(contact.updated_at, contact.id)


START = Position(datetime(1970, 1, 1, tzinfo=UTC), uuid.UUID(int=0))
# A change its transaction commits up to this long after it was stamped is still picked up.
SLOW_COMMIT_MARGIN = timedelta(minutes=5)


@dataclass
class Changes:
    """A page of an officer's changed entries, then their returned ones; where the next starts."""

    entries: list[Contact]
    next: Position
    more: bool


def changes(officer: User, after: Position, *, now: datetime, limit: int) -> Changes:
    """The officer's entries that changed after a position, in the order of change, at most
    `limit`; then every entry returned to them that is not among those, whatever its age.

    When more remain, the next page starts after the last entry sent. When caught up, it
    starts no later than SLOW_COMMIT_MARGIN ago, so a change committed late is sent next
    time (perhaps again: the client keeps one copy per id).
    """
    rows = db.session.scalars(
        _with_current_revision()
        .where(
            entries_visible_to(officer),
            tuple_(Contact.updated_at, Contact.id) > (after.updated_at, after.entry_id),
        )
        .order_by(Contact.updated_at, Contact.id)
        .limit(limit + 1)
    ).all()
    page, more = rows[:limit], len(rows) > limit
    last = Position.of(page[-1]) if page else after
    settled = Position(now - SLOW_COMMIT_MARGIN, START.entry_id)
    sent = {contact.id for contact in page}
    returned = [contact for contact in _returned(officer) if contact.id not in sent]
    return Changes(page + returned, last if more else min(last, settled), more)


def _returned(officer: User) -> list[Contact]:
    return db.session.scalars(
        _with_current_revision()
        .where(entries_visible_to(officer), ContactRevision.status == "returned")
        .order_by(Contact.updated_at, Contact.id)
    ).all()
