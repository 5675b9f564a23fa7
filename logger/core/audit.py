"""The append-only audit trail: every sign-in, submission and state change."""

from __future__ import annotations

import uuid
from datetime import datetime

from logger.core.database import insert_rows
from logger.core.models import AuditEvent, User
from logger.extensions import db


def changes(before: dict, after: dict) -> dict[str, list]:
    """What an edit changed, for an event's detail: {name: [before, after]} where they differ."""
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def record(
    action: str,
    *,
    actor: User | None,
    client_addr: str | None,
    contact_id: uuid.UUID | None = None,
    revision: int | None = None,
    detail: dict | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add an audit event to the session; it is committed with the change it describes."""
    event = AuditEvent(
        action=action,
        actor=actor,
        client_addr=client_addr,
        contact_id=contact_id,
        revision=revision,
        detail=detail,
    )
    if at is not None:
        event.at = at
    db.session.add(event)
    return event


def record_each(
    action: str,
    revisions: list[tuple[uuid.UUID, int]],
    *,
    actor: User,
    client_addr: str | None,
    at: datetime,
) -> None:
    """One event of the same action for each (contact, revision), in one INSERT."""
    insert_rows(
        AuditEvent,
        [
            {
                "at": at,
                "actor_id": actor.id,
                "action": action,
                "contact_id": contact_id,
                "revision": revision,
                "client_addr": client_addr,
                "detail": None,
            }
            for contact_id, revision in revisions
        ],
    )
