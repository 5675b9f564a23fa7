"""Idempotent ingest: each envelope stored exactly once, in its own savepoint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from logger import contacts
from logger.extensions import db
from logger.models import User

from .wire import Envelope


def ingest(officer: User, envelopes: list[Envelope], *, received_at: datetime,
           client_addr: str | None) -> list[dict]:
    """Apply each envelope for this officer and commit; one result per envelope, in order.

    One bad entry never fails the others: each is applied in a savepoint. Two
    concurrent sends of one entry meet at the database's unique constraints
    (the contact's id, and a revision's number); the loser finds the winner's
    row on its second look and answers duplicate or conflict.
    """
    results = [_apply(officer, envelope, received_at, client_addr) for envelope in envelopes]
    db.session.commit()
    return results


def _apply(officer: User, envelope: Envelope, received_at: datetime,
           client_addr: str | None) -> dict:
    if envelope.problems:
        return envelope.result("invalid", errors=envelope.problems)
    verdict = contacts.check(officer, envelope.contact, now=received_at)
    if verdict.school_not_assigned:
        return envelope.result("forbidden", errors=verdict.errors)
    if not verdict.ok:
        return envelope.result("invalid", errors=verdict.errors)
    for _ in range(2):
        try:
            with db.session.begin_nested():
                saved = contacts.save(
                    officer, envelope.id, verdict, received_at=received_at,
                    client_addr=client_addr, base_revision=envelope.base_revision,
                    amendment_explanation=envelope.amendment_explanation)
            return envelope.result(saved.status, saved.revision, saved.errors)
        except IntegrityError:
            continue  # a concurrent send stored it first: look again
    return envelope.result("conflict")
