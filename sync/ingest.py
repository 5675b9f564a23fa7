"""Idempotent ingest: each envelope stored exactly once; a batch's new entries together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from logger import rules
from logger.core.database import writing
from logger.core.models import Contact, User
from logger.officer import entries, entry_times

from .wire import Envelope


@dataclass(frozen=True)
class Checked:
    """An envelope the rules accepted, where it stands in the batch, and their verdict."""

    index: int
    envelope: Envelope
    verdict: rules.Verdict


def ingest(
    officer: User, envelopes: list[Envelope], *, received_at: datetime, client_addr: str | None
) -> list[dict]:
    """Apply each envelope for this officer and commit; one result per envelope, in order.

    One query finds which ids are stored already (and loads those entries). The batch's
    new entries (ids neither stored nor sent earlier in the batch) are inserted together,
    in one savepoint; every other envelope, and all of them when a concurrent send won a
    race for one new id, goes through entries.store: a resend is answered from the loaded
    entry, and a write takes a savepoint of its own, where the database's constraints
    settle concurrent sends. One bad entry never fails the others, and the results are
    those of storing the envelopes one by one.
    """
    with writing():
        results: list[dict | None] = [None] * len(envelopes)
        checked = []
        for index, envelope in enumerate(envelopes):
            verdict, refusal = _check(officer, envelope, received_at)
            if refusal is not None:
                results[index] = refusal
            else:
                checked.append(Checked(index, envelope, verdict))
        # held here: the session keeps loaded entries only while something refers to them
        stored = entries.stored([c.envelope.id for c in checked])
        new, others = _new_and_others(checked, stored)
        saved = entries.store_new(
            officer,
            [(c.envelope.id, c.verdict) for c in new],
            received_at=received_at,
            client_addr=client_addr,
        )
        if saved is None:  # lost a race: each on its own, as sent
            new, others, saved = [], checked, []
        for one, kept in zip(new, saved, strict=True):
            results[one.index] = _result(officer, one.envelope, kept, received_at)
        for one in others:
            kept = _store_one(officer, one, received_at, client_addr)
            results[one.index] = _result(officer, one.envelope, kept, received_at)
        return results


def _check(
    officer: User, envelope: Envelope, received_at: datetime
) -> tuple[rules.Verdict | None, dict | None]:
    """The rules' verdict on an envelope, or the result that refuses it."""
    if envelope.problems:
        return None, envelope.result("invalid", errors=envelope.problems)
    verdict = entries.check(officer, envelope.contact, now=received_at)
    if verdict.school_not_assigned:
        return None, envelope.result("forbidden", errors=verdict.errors)
    if not verdict.ok:
        return None, envelope.result("invalid", errors=verdict.errors)
    return verdict, None


def _new_and_others(
    checked: list[Checked], stored: dict[uuid.UUID, Contact]
) -> tuple[list[Checked], list[Checked]]:
    """The new entries, and the rest. Storing the new ones first gives the results storing
    all in order would: a new one's id is in no earlier envelope and not stored."""
    new, others, seen = [], [], set()
    for one in checked:
        entry_id = one.envelope.id
        fresh = one.envelope.base_revision == 0 and entry_id not in stored and entry_id not in seen
        (new if fresh else others).append(one)
        seen.add(entry_id)
    return new, others


def _store_one(
    officer: User, one: Checked, received_at: datetime, client_addr: str | None
) -> entries.Saved:
    return entries.store(
        officer,
        one.envelope.id,
        one.verdict,
        received_at=received_at,
        client_addr=client_addr,
        base_revision=one.envelope.base_revision,
        amendment_explanation=one.envelope.amendment_explanation,
    )


def _result(officer: User, envelope: Envelope, saved: entries.Saved, received_at: datetime) -> dict:
    """The envelope's result; a new entry's timing is kept beside it."""
    result = envelope.result(saved.status, saved.revision, saved.errors)
    if saved.status == "accepted" and envelope.base_revision == 0:  # a new entry
        ignored = entry_times.record(envelope.id, officer.id, envelope.timing, saved_at=received_at)
        if ignored:
            result["timing_ignored"] = ignored
    return result
