"""Supervisor review: the queue of submitted entries, and decisions on them (COPS principle 6)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from logger import rules
from logger.core import audit
from logger.core.clock import DAY_HELP, day_start, parse_day, utcnow
from logger.core.models import (
    CURRENT_REVISION,
    Contact,
    ContactRevision,
    ReviewDecision,
    RevisionFlag,
    School,
    User,
    UTCDateTime,
)
from logger.extensions import db
from logger.web.params import record_id

PAGE_SIZE = 50
STALE = "This entry changed since you opened it: read it again before deciding."


class ReviewRefused(Exception):
    """A decision that cannot be made; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or {}


@dataclass
class QueueFilter:
    """What the supervisor narrowed the queue to; every field optional."""

    officer_id: int | None = None
    school_id: int | None = None
    flag: str | None = None
    classification: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> QueueFilter:
        """Read the query string; what cannot be read is reported, not applied."""
        chosen = cls()
        for name in ("officer_id", "school_id"):
            value = args.get(name, "")
            if record_id(value) is not None:
                setattr(chosen, name, record_id(value))
            elif value:
                chosen.problems.append(f"Ignored an unknown {name.split('_')[0]}.")
        if args.get("flag") in rules.FLAGS:
            chosen.flag = args["flag"]
        if args.get("classification") in rules.CLASSIFICATIONS:
            chosen.classification = args["classification"]
        for name in ("date_from", "date_to"):
            try:
                setattr(chosen, name, parse_day(args.get(name, "")))
            except ValueError:
                chosen.problems.append(DAY_HELP)
        return chosen

    def conditions(self, without: tuple[str, ...] = ()) -> list:
        """SQL conditions for every filter but those `without` (so counts can show them)."""
        found = []
        if self.officer_id and "officer_id" not in without:
            found.append(Contact.officer_id == self.officer_id)
        if self.school_id and "school_id" not in without:
            found.append(ContactRevision.school_id == self.school_id)
        if self.classification and "classification" not in without:
            found.append(ContactRevision.classification == self.classification)
        if self.flag and "flag" not in without:
            found.append(ContactRevision.id.in_(
                select(RevisionFlag.revision_id).where(RevisionFlag.flag == self.flag)))
        if self.date_from:
            found.append(ContactRevision.occurred_at >= day_start(self.date_from))
        if self.date_to:
            found.append(ContactRevision.occurred_at < day_start(self.date_to + timedelta(days=1)))
        return found


def supervised(supervisor: User):
    """The ids of the officers this supervisor reviews, as a subquery."""
    return select(User.id).where(User.supervisor_id == supervisor.id)


def _waiting(supervisor: User):
    return (select(ContactRevision)
            .join(Contact, CURRENT_REVISION)
            .where(ContactRevision.status == "submitted",
                   Contact.officer_id.in_(supervised(supervisor))))


@dataclass
class Page:
    """One page of the queue, with what a pager needs."""

    items: list
    page: int
    total: int
    per_page: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


FACETS = ("officer_id", "school_id", "classification")


def queue(supervisor: User, chosen: QueueFilter, page: int, total: int) -> Page:
    """One page of the queue: highest concern first, then the longest waiting."""
    query = (_waiting(supervisor).where(*chosen.conditions())
             .options(contains_eager(ContactRevision.contact).joinedload(Contact.officer),
                      selectinload(ContactRevision.flag_rows),
                      selectinload(ContactRevision.school))
             .order_by(ContactRevision.concern, ContactRevision.received_at, ContactRevision.id)
             .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return Page(db.session.scalars(query).unique().all(), page, total)


def counts(supervisor: User, chosen: QueueFilter) -> tuple[dict[str, dict], int]:
    """How many entries wait under each choice of each filter, given the other filters; and
    how many wait under all of them. Two scans of the waiting entries, whatever their number."""
    groups = db.session.execute(
        _waiting(supervisor).with_only_columns(
            func.count(ContactRevision.id), Contact.officer_id, ContactRevision.school_id,
            ContactRevision.classification)
        .where(*chosen.conditions(without=FACETS))
        .group_by(Contact.officer_id, ContactRevision.school_id, ContactRevision.classification)).all()

    def matches(row, skip: str) -> bool:
        return all(getattr(chosen, facet) in (None, value)
                   for facet, value in zip(FACETS, row[1:], strict=True) if facet != skip)

    found: dict[str, dict] = {facet: {} for facet in FACETS}
    for row in groups:
        for index, facet in enumerate(FACETS, start=1):
            if matches(row, facet):
                found[facet][row[index]] = found[facet].get(row[index], 0) + row[0]
    flag_rows = db.session.execute(
        _waiting(supervisor).with_only_columns(func.count(ContactRevision.id), RevisionFlag.flag)
        .join(RevisionFlag, RevisionFlag.revision_id == ContactRevision.id)
        .where(*chosen.conditions(without=("flag",))).group_by(RevisionFlag.flag)).all()
    found["flag"] = {flag: count for count, flag in flag_rows}
    total = sum(row[0] for row in groups if matches(row, ""))
    return found, total


def waiting_summary(supervisor: User) -> tuple[int, datetime | None]:
    """How many entries wait for this supervisor, and since when the oldest has waited."""
    count, oldest = db.session.execute(_waiting(supervisor).with_only_columns(
        func.count(ContactRevision.id),
        func.min(ContactRevision.received_at, type_=UTCDateTime()))).one()
    return count, oldest


def team(supervisor: User) -> list[User]:
    """The officers this supervisor reviews."""
    return db.session.scalars(select(User).where(User.supervisor_id == supervisor.id)
                              .order_by(User.username)).all()


def schools() -> list[School]:
    """Every school, by name (for the queue's filter)."""
    return db.session.scalars(select(School).order_by(School.name)).all()


def entry_for_review(supervisor: User, entry_id: uuid.UUID) -> Contact:
    """An entry of one of this supervisor's officers, with its revisions and decisions."""
    contact = db.session.scalar(
        select(Contact).where(Contact.id == entry_id)
        .options(selectinload(Contact.revisions).selectinload(ContactRevision.flag_rows),
                 selectinload(Contact.decisions).joinedload(ReviewDecision.reviewer)))
    if contact is None:
        raise ReviewRefused(404, "There is no such entry.")
    if contact.officer.supervisor_id != supervisor.id:
        raise ReviewRefused(403, "This entry belongs to an officer you do not supervise.")
    return contact


def decide(supervisor: User, entry_id: uuid.UUID, revision: int | None, decision: str,
           comment: str | None, *, decided_at: datetime, client_addr: str | None) -> Contact:
    """Approve or return the revision the supervisor read; the caller commits."""
    contact = entry_for_review(supervisor, entry_id)
    current = contact.current
    if revision != contact.current_revision or current.status != "submitted":
        raise ReviewRefused(409, STALE)
    errors = rules.check_decision(decision, comment, current.flags)
    if errors:
        raise ReviewRefused(422, "The decision needs a comment.", errors)
    text = comment.strip() if comment and comment.strip() else None
    db.session.add(ReviewDecision(contact_id=contact.id, revision=current.number,
                                  reviewer_id=supervisor.id, decision=decision, comment=text,
                                  decided_at=decided_at))
    current.status = "approved" if decision == "approve" else "returned"
    contact.updated_at = utcnow()  # the officer's phone fetches what changed since its last sync
    audit.record(f"review.{decision}", actor=supervisor, client_addr=client_addr,
                 contact_id=contact.id, revision=current.number, at=decided_at,
                 detail={"comment": text} if text else None)
    return contact


def bulk_approve(supervisor: User, picks: list[tuple[uuid.UUID, int]], *, decided_at: datetime,
                 client_addr: str | None) -> int:
    """Approve several entries at once, only those with no flags; returns how many."""
    approved = 0
    for entry_id, revision in picks:
        contact = entry_for_review(supervisor, entry_id)
        if contact.current.flags:
            raise ReviewRefused(422, "Flagged entries are approved one at a time, after reading.")
        decide(supervisor, entry_id, revision, "approve", None, decided_at=decided_at,
               client_addr=client_addr)
        approved += 1
    return approved
