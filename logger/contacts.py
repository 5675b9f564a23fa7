"""Contact entries: checking them with the rules, recording them, listing an officer's own."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from . import audit, rules
from .extensions import db
from .models import Contact, ContactRevision, RevisionFlag, User


def check(officer: User, entry: dict, *, now: datetime) -> rules.Verdict:
    """The rules' verdict on an entry from this officer (their schools, this moment)."""
    assigned = {assignment.school_id for assignment in officer.assignments}
    return rules.check(entry, assigned_school_ids=assigned, now=now)


EDITABLE_STATUSES = ("submitted", "returned")


def save(officer: User, entry_id: uuid.UUID, verdict: rules.Verdict, *, received_at: datetime,
         client_addr: str | None, base_revision: int | None = None) -> tuple[str, Contact | None]:
    """Store an entry the rules accepted, idempotently on its id; say what happened.

    `accepted`: a new contact, or a new revision of an editable one (when
    base_revision is current, or not given); `duplicate`: this content is
    already stored under this id; `conflict`: the entry changed meanwhile or is
    no longer editable; `forbidden`: the id belongs to another officer.
    """
    if not verdict.ok:
        raise ValueError("only entries the rules accept are saved")
    contact = db.session.get(Contact, entry_id)
    if contact is None:
        contact = Contact(id=entry_id, officer=officer, current_revision=0, created_at=received_at)
        db.session.add(contact)
    elif contact.officer_id != officer.id:
        return "forbidden", None
    elif any(revision.content == verdict.entry for revision in contact.revisions):
        return "duplicate", contact
    elif (contact.current.status not in EDITABLE_STATUSES
          or base_revision not in (None, contact.current_revision)):
        return "conflict", contact
    contact.current_revision += 1
    contact.revisions.append(_revision(contact.current_revision, verdict.entry, received_at))
    audit.record("contact.submitted" if contact.current_revision == 1 else "contact.revised",
                 actor=officer, client_addr=client_addr, contact_id=entry_id,
                 revision=contact.current_revision, at=received_at)
    return "accepted", contact


def _revision(number: int, entry: dict, received_at: datetime) -> ContactRevision:
    revision = ContactRevision(
        number=number, content=entry, classification=entry["classification"],
        occurred_at=rules.parse_datetime(entry["occurred_at"]), school_id=entry["school_id"],
        status="submitted", received_at=received_at)
    revision.flag_rows = [RevisionFlag(flag=name)
                          for name in rules.flags(entry, received_at=received_at)]
    return revision


def _with_current_revision():
    return (select(Contact)
            .join(Contact.current)
            .options(contains_eager(Contact.current).selectinload(ContactRevision.flag_rows),
                     contains_eager(Contact.current).joinedload(ContactRevision.school)))


def own_entries(officer: User):
    """A query for the officer's entries, newest contact first, with their current revision."""
    return (_with_current_revision()
            .where(Contact.officer_id == officer.id)
            .order_by(ContactRevision.occurred_at.desc(), Contact.created_at.desc()))


def own_entry(officer: User, entry_id: uuid.UUID) -> Contact | None:
    """One of the officer's entries with all its revisions, or None (also for another's)."""
    return db.session.scalar(
        select(Contact)
        .where(Contact.id == entry_id, Contact.officer_id == officer.id)
        .options(selectinload(Contact.revisions).selectinload(ContactRevision.flag_rows)))
