"""Supervisor review: the queue of submitted entries, and decisions on them (COPS principle 6)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from logger import rules
from logger.auth.scopes import entries_visible_to, entry_for
from logger.core import audit, clock
from logger.core.models import (
    Contact,
    ContactRevision,
    ReviewDecision,
    RevisionFlag,
    User,
    UTCDateTime,
)
from logger.core.record import RecordFilter
from logger.extensions import db

STALE = "This entry changed since you opened it: read it again before deciding."


class ReviewRefused(Exception):
    """A decision that cannot be made; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or {}


def _waiting(supervisor: User):
    """Waiting entries of this supervisor's team: current revisions still submitted, reached
    officer by officer through the revisions' own columns (ix_contact_revisions_officer_queue),
    never the whole queue and never a join to every waiting entry's contact."""
    return select(ContactRevision).where(
        ContactRevision.status == "submitted",
        ContactRevision.is_current,
        ContactRevision.officer_id.in_(select(User.id).where(User.supervisor_id == supervisor.id)),
        entries_visible_to(supervisor, ContactRevision.officer_id),
    )


FACETS = ("officer_id", "school_id", "classification")


def queue(supervisor: User, chosen: RecordFilter):
    """The queue: highest concern first, then the longest waiting (a query to paginate)."""
    return (
        _waiting(supervisor)
        .where(*chosen.conditions())
        .options(
            selectinload(ContactRevision.contact).joinedload(Contact.officer),
            selectinload(ContactRevision.flag_rows),
            selectinload(ContactRevision.school),
        )
        .order_by(ContactRevision.concern, ContactRevision.received_at, ContactRevision.id)
    )


def counts(supervisor: User, chosen: RecordFilter) -> tuple[dict[str, dict], int]:
    """How many entries wait under each choice of each filter, given the other filters; and
    how many wait under all of them. Two scans of the waiting entries, whatever their number."""
    groups = db.session.execute(
        _waiting(supervisor)
        .with_only_columns(
            func.count(ContactRevision.id),
            ContactRevision.officer_id,
            ContactRevision.school_id,
            ContactRevision.classification,
        )
        .where(*chosen.conditions(without=FACETS))
        .group_by(
            ContactRevision.officer_id, ContactRevision.school_id, ContactRevision.classification
        )
    ).all()

    def matches(row, skip: str) -> bool:
        return all(
            getattr(chosen, facet) in (None, value)
            for facet, value in zip(FACETS, row[1:], strict=True)
            if facet != skip
        )

    found: dict[str, dict] = {facet: {} for facet in FACETS}
    for row in groups:
        for index, facet in enumerate(FACETS, start=1):
            if matches(row, facet):
                found[facet][row[index]] = found[facet].get(row[index], 0) + row[0]
    waiting = (
        _waiting(supervisor)
        .with_only_columns(ContactRevision.id)
        .where(*chosen.conditions(without=("flag",)))
    )  # flags looked up for these revisions only: never a walk of every revision's flags
    flag_rows = db.session.execute(
        select(func.count(), RevisionFlag.flag)
        .where(RevisionFlag.revision_id.in_(waiting))
        .group_by(RevisionFlag.flag)
    ).all()
    found["flag"] = {flag: count for count, flag in flag_rows}
    total = sum(row[0] for row in groups if matches(row, ""))
    return found, total


def waiting_summary(supervisor: User) -> tuple[int, datetime | None]:
    """How many entries wait for this supervisor, and since when the oldest has waited."""
    count, oldest = db.session.execute(
        _waiting(supervisor).with_only_columns(
            func.count(ContactRevision.id),
            func.min(ContactRevision.received_at, type_=UTCDateTime()),
        )
    ).one()
    return count, oldest


def team(supervisor: User) -> list[User]:
    """The officers this supervisor reviews."""
    return db.session.scalars(
        select(User).where(User.supervisor_id == supervisor.id).order_by(User.username)
    ).all()


def entry_for_review(supervisor: User, entry_id: uuid.UUID) -> Contact:
    """An entry of one of this supervisor's officers, with its revisions and decisions; for
    any other, as for no entry at all, 404."""
    contact = entry_for(supervisor, entry_id)
    if contact is None:
        raise ReviewRefused(404, "There is no such entry.")
    return contact


def seconds_to_decision(received_at: datetime, decided_at: datetime) -> int:
    """How long a revision waited for its decision: whole seconds from its receipt, to the
    nearest, never below 0 (a clock set back). The assessment's turnaround counts these."""
    return max(round((decided_at - received_at).total_seconds()), 0)


def decide(
    supervisor: User,
    entry_id: uuid.UUID,
    revision: int | None,
    decision: str,
    comment: str | None,
    *,
    decided_at: datetime,
    client_addr: str | None,
) -> Contact:
    """Approve or return the revision the supervisor read; the caller commits."""
    contact = entry_for_review(supervisor, entry_id)
    current = contact.current
    if revision != contact.current_revision or current.status != "submitted":
        raise ReviewRefused(409, STALE)
    errors = rules.check_decision(decision, comment, current.flags)
    if errors:
        raise ReviewRefused(422, "The decision needs a comment.", errors)
    text = comment.strip() if comment and comment.strip() else None
    db.session.add(
        ReviewDecision(
            contact_id=contact.id,
            revision=current.number,
            reviewer_id=supervisor.id,
            decision=decision,
            comment=text,
            decided_at=decided_at,
        )
    )
    current.status = "approved" if decision == "approve" else "returned"
    current.seconds_to_decision = seconds_to_decision(current.received_at, decided_at)
    if decision == "approve":  # the record moves to this revision
        for revision in contact.revisions:
            revision.is_record = revision is current
    contact.updated_at = clock.utcnow()  # phones fetch what changed since their last sync
    audit.record(
        f"review.{decision}",
        actor=supervisor,
        client_addr=client_addr,
        contact_id=contact.id,
        revision=current.number,
        at=decided_at,
        detail={"comment": text} if text else None,
    )
    return contact


def bulk_approve(
    supervisor: User,
    picks: list[tuple[uuid.UUID, int]],
    *,
    decided_at: datetime,
    client_addr: str | None,
) -> int:
    """Approve several entries at once, only those with no flags; returns how many."""
    approved = 0
    for entry_id, revision in picks:
        contact = entry_for_review(supervisor, entry_id)
        if contact.current.flags:
            raise ReviewRefused(422, "Flagged entries are approved one at a time, after reading.")
        decide(
            supervisor,
            entry_id,
            revision,
            "approve",
            None,
            decided_at=decided_at,
            client_addr=client_addr,
        )
        approved += 1
    return approved
