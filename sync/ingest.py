"""Idempotent ingest: each envelope stored exactly once, in its own savepoint."""

from __future__ import annotations

from datetime import datetime

from logger.core.database import writing
from logger.core.models import User
from logger.officer import entries, entry_times

from .wire import Envelope


def ingest(
    officer: User, envelopes: list[Envelope], *, received_at: datetime, client_addr: str | None
) -> list[dict]:
    """Apply each envelope for this officer and commit; one result per envelope, in order.

    One bad entry never fails the others: each is applied in its own savepoint
    (entries.store), where the database's constraints settle concurrent sends.
    """
    with writing():
        return [_apply(officer, envelope, received_at, client_addr) for envelope in envelopes]


def _apply(
    officer: User, envelope: Envelope, received_at: datetime, client_addr: str | None
) -> dict:
    if envelope.problems:
        return envelope.result("invalid", errors=envelope.problems)
    verdict = entries.check(officer, envelope.contact, now=received_at)
    if verdict.school_not_assigned:
        return envelope.result("forbidden", errors=verdict.errors)
    if not verdict.ok:
        return envelope.result("invalid", errors=verdict.errors)
    saved = entries.store(
        officer,
        envelope.id,
        verdict,
        received_at=received_at,
        client_addr=client_addr,
        base_revision=envelope.base_revision,
        amendment_explanation=envelope.amendment_explanation,
    )
    result = envelope.result(saved.status, saved.revision, saved.errors)
    if saved.status == "accepted" and envelope.base_revision == 0:  # a new entry
        ignored = entry_times.record(saved.contact, envelope.timing, saved_at=received_at)
        if ignored:
            result["timing_ignored"] = ignored
    return result
