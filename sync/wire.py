"""The sync wire format: a batch of envelopes in, one result per envelope out (DESIGN.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from logger.officer.entries import parse_entry_id

MAX_BATCH = 100
STATUSES = ("accepted", "duplicate", "conflict", "invalid", "forbidden")
BAD_ID = "An entry id must be a UUID (version 4) minted on the device."
BAD_BASE = "base_revision must be the revision this entry was edited from (0 for a new entry)."
BAD_CONTACT = "contact must be an object holding the entry's fields."


class BatchRefused(Exception):
    """The whole batch is refused (bad shape, too many entries): nothing was stored."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Envelope:
    """One entry as sent: its id, the revision it was edited from, and its content."""

    raw_id: object
    id: uuid.UUID | None
    base_revision: int | None
    contact: object
    amendment_explanation: object = None
    problems: dict[str, list[str]] = field(default_factory=dict)
    timing: object = None  # how long the new entry took on the phone (rules.check_timing)

    def result(self, status: str, revision: int | None = None,
               errors: dict[str, list[str]] | None = None) -> dict:
        """This envelope's line in the response."""
        assert status in STATUSES
        return {"id": str(self.id) if self.id else self.raw_id, "status": status,
                "revision": revision, "errors": errors or {}}


def parse_batch(body: object) -> list[Envelope]:
    """The envelopes of a request body, or BatchRefused when the body is not a batch."""
    if not isinstance(body, dict) or not isinstance(body.get("entries"), list):
        raise BatchRefused(400, 'Send a JSON object {"entries": [...]}.')
    entries = body["entries"]
    if len(entries) > MAX_BATCH:
        raise BatchRefused(413, f"A batch holds at most {MAX_BATCH} entries; this one had "
                                f"{len(entries)}. Send the rest in another batch.")
    return [parse_envelope(item) for item in entries]


def parse_envelope(item: object) -> Envelope:
    """One envelope; what is wrong with its frame (not its content) goes into problems."""
    if not isinstance(item, dict):
        return Envelope(None, None, None, None, problems={"entry": [BAD_CONTACT]})
    problems: dict[str, list[str]] = {}
    entry_id = parse_entry_id(item.get("id"))
    if entry_id is None:
        problems["id"] = [BAD_ID]
    base = item.get("base_revision", 0)
    if base is None:
        base = 0
    if isinstance(base, bool) or not isinstance(base, int) or base < 0:
        problems["base_revision"] = [BAD_BASE]
        base = None
    contact = item.get("contact")
    if not isinstance(contact, dict):
        problems["contact"] = [BAD_CONTACT]
    raw_id = item.get("id") if isinstance(item.get("id"), (str, int)) else None
    return Envelope(raw_id, entry_id, base, contact, item.get("amendment_explanation"), problems,
                    timing=item.get("timing"))

