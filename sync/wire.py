"""The sync wire format: a batch of envelopes in, one result per envelope out (DESIGN.md).

Each shape is declared once, as data (a tuple of Members): the parser below reads
requests with these declarations, and sync/openapi.py turns the same declarations
into the JSON Schema of GET /api/v1/openapi.json.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from logger.officer.entries import parse_entry_id

MAX_BATCH = 100
STATUSES = ("accepted", "duplicate", "conflict", "invalid", "forbidden")
CURSOR = re.compile(r"(0|[1-9][0-9]{0,17})-([0-9a-f]{32})")  # microseconds since 1970, entry id
BAD_ID = "An entry id must be a UUID (version 4) minted on the device."
BAD_BASE = "base_revision must be the revision this entry was edited from (0 for a new entry)."
BAD_CONTACT = "contact must be an object holding the entry's fields."
UUID4 = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
WRONG = object()  # what a Member's read() answers for a value it refuses


def ref(name: str) -> dict:
    """A JSON Schema reference to one of the document's named shapes."""
    return {"$ref": f"#/components/schemas/{name}"}


def _as_sent(value: object) -> object:
    return value


@dataclass(frozen=True)
class Member:
    """One member of a wire object: the JSON Schema of a good value, and how the parser reads
    it (read() answers the value to use, or WRONG, and then `problem` says why)."""

    name: str
    schema: dict
    required: bool = False
    read: Callable[[object], object] = _as_sent
    problem: str | None = None


def _entry_id(value: object) -> object:
    parsed = parse_entry_id(value)
    return WRONG if parsed is None else parsed


def _base_revision(value: object) -> object:
    if value is None:
        return 0
    return value if type(value) is int and value >= 0 else WRONG


def _contact(value: object) -> object:
    return value if isinstance(value, dict) else WRONG


BATCH = (
    Member(
        "entries",
        {
            "type": "array",
            "maxItems": MAX_BATCH,
            "items": ref("Envelope"),
            "description": f"At most {MAX_BATCH} entries (more: 413).",
        },
        required=True,
    ),
)
ENVELOPE = (
    Member(
        "id",
        {
            "type": "string",
            "format": "uuid",
            "pattern": UUID4,
            "description": "Minted on the device when the entry is first saved.",
        },
        required=True,
        read=_entry_id,
        problem=BAD_ID,
    ),
    Member(
        "base_revision",
        {
            "type": ["integer", "null"],
            "minimum": 0,
            "default": 0,
            "description": "The revision this entry was edited from; 0 for a new entry.",
        },
        read=_base_revision,
        problem=BAD_BASE,
    ),
    Member("contact", ref("Contact"), required=True, read=_contact, problem=BAD_CONTACT),
    Member("amendment_explanation", ref("AmendmentExplanation")),  # rules.check_amendment
    Member("timing", ref("Timing")),  # rules.check_timing: a bad one never refuses the entry
)
RESULT = (
    Member(
        "id",
        {
            "type": ["string", "integer", "null"],
            "description": "The entry's id; what was sent when it is not a UUID.",
        },
        required=True,
    ),
    Member("status", {"enum": list(STATUSES)}, required=True),
    Member(
        "revision",
        {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "The entry's current revision, when it has one.",
        },
        required=True,
    ),
    Member("errors", ref("Errors"), required=True),
    Member(
        "timing_ignored",
        {
            "type": "string",
            "description": "Why the timing sent with a new entry was not kept (the entry was).",
        },
    ),
)


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

    def result(
        self, status: str, revision: int | None = None, errors: dict[str, list[str]] | None = None
    ) -> dict:
        """This envelope's line in the response (RESULT)."""
        if status not in STATUSES:
            raise ValueError(f"no such result status: {status}")
        return {
            "id": str(self.id) if self.id else self.raw_id,
            "status": status,
            "revision": revision,
            "errors": errors or {},
        }


def parse_batch(body: object) -> list[Envelope]:
    """The envelopes of a request body, or BatchRefused when the body is not a batch."""
    if not isinstance(body, dict) or not isinstance(body.get("entries"), list):
        raise BatchRefused(400, 'Send a JSON object {"entries": [...]}.')
    entries = body["entries"]
    if len(entries) > MAX_BATCH:
        raise BatchRefused(
            413,
            f"A batch holds at most {MAX_BATCH} entries; this one had "
            f"{len(entries)}. Send the rest in another batch.",
        )
    return [parse_envelope(item) for item in entries]


def parse_envelope(item: object) -> Envelope:
    """One envelope, read member by member (ENVELOPE); what is wrong with its frame (not its
    content) goes into problems."""
    if not isinstance(item, dict):
        return Envelope(None, None, None, None, problems={"entry": [BAD_CONTACT]})
    values, problems = {}, {}
    for member in ENVELOPE:
        value = member.read(item.get(member.name))
        if value is WRONG:
            problems[member.name] = [member.problem]
            value = None
        values[member.name] = value
    sent_id = item.get("id")
    raw_id = sent_id if type(sent_id) in (str, int) else None  # never echo a bool or an object
    return Envelope(raw_id, problems=problems, **values)
