"""The entries CSV written by PostgreSQL itself (`COPY ... TO STDOUT WITH CSV`).

At a state's size the export runs at the database's pace rather than Python's: one
statement computes every cell as `data_dictionary.entry_cells()` makes it from
`exports.rows()` (a test holds the two to the same table), and the app only copies
the database's bytes into the export's file. Each content field is read once per
entry (`json_to_record`); the CRDC facts are the revision's queryable facts
(rules/facts.py), never worked out again here. SQLite has no such dump: there the
export builds its rows in Python.
"""

from __future__ import annotations

from typing import BinaryIO

import psycopg
from sqlalchemy import (
    ARRAY,
    Integer,
    String,
    Text,
    and_,
    case,
    column,
    exists,
    func,
    literal,
    null,
    select,
    true,
    values,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import aggregate_order_by

from logger import rules
from logger.core.models import (
    Contact,
    ContactRevision,
    ReviewDecision,
    RevisionChoice,
    RevisionFlag,
    School,
)
from logger.evaluation.data_dictionary import ENTRY_NAMES, FORMULA_TRIGGERS, MULTI
from logger.extensions import db
from logger.rules.crdc import MECHANICAL

# The restraint facts by the kinds of restraint that count (rules/crdc.py's definitions).
RESTRAINT_FACTS = {
    "crdc_physical_restraint": ("physical",),
    "crdc_mechanical_restraint": MECHANICAL,
    "crdc_seclusion": ("seclusion",),
}


class Unreadable(Exception):
    """A stored entry the database could not read (text no JSON may hold, such as half of a
    surrogate pair): nothing of the COPY is kept, and the caller's transaction goes on."""


def available() -> bool:
    """Whether this database can write the CSV itself (PostgreSQL can)."""
    return db.session.get_bind().dialect.name == "postgresql"


def write(choice, officers: dict[int, str], out: BinaryIO) -> None:
    """The export's entry rows (no header), as the database writes them, into `out`.

    `officers` names each officer as the export does (keyed pseudonyms, or user names).
    Lines end CR LF, as Python's csv module ends them, whatever the data holds. Unreadable:
    an entry the database could not read; `out` then holds part of the rows.
    """
    connection = db.session.connection()
    # COPY takes no parameters: the filters' values and the officers' names are written in by
    # SQLAlchemy, as literals of their types (in a style that leaves '%' alone).
    statement = _query(choice, officers).compile(
        dialect=postgresql.dialect(paramstyle="named"), compile_kwargs={"literal_binds": True}
    )
    driver = connection.connection.driver_connection
    try:
        # a savepoint: should the database refuse an entry, the caller's transaction goes on
        with driver.transaction(), driver.cursor() as cursor:
            with cursor.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)") as copy:
                for piece in _crlf(copy):
                    out.write(piece)
    except psycopg.DataError as error:  # stored text the database cannot read as JSON
        raise Unreadable(str(error)) from error


def _crlf(chunks):
    """COPY's lines with CR LF at the end of each row; a line break inside a quoted cell (an
    odd number of quotes before it in its row) stays as the data has it."""
    inside = False
    for chunk in chunks:
        pieces = bytes(chunk).split(b"\n")
        for number, piece in enumerate(pieces):
            if piece.count(b'"') % 2:
                inside = not inside
            if number < len(pieces) - 1:
                pieces[number] = piece + (b"\n" if inside else b"\r\n")
        yield b"".join(pieces)


def _query(choice, officers: dict[int, str]):
    content = (
        func.json_to_record(ContactRevision.content)
        .table_valued(*(column(name, kind) for name, kind in CONTENT_FIELDS["content"].items()))
        .render_derived(name="content", with_types=True)
    )
    justification = (
        func.json_to_record(content.c.justification)
        .table_valued(
            *(column(name, kind) for name, kind in CONTENT_FIELDS["justification"].items())
        )
        .render_derived(name="justification", with_types=True)
    )
    # A values list, not a temporary table: the database may then read in parallel.
    people = (
        values(column("id", Integer), column("name", Text), name="people")
        # with no one to name there is no entry either, but a values list needs a row
        .data(list(officers.items()) or [(0, "")])
    )
    flags = _flags()
    computed = {
        **_COMPUTED,
        "officer": _spreadsheet_safe(people.c.name),
        "flags": flags.c.flags,
    }
    cells = [
        computed[name]
        if name in computed
        else _field_cell(
            name, (justification if name.startswith("justification_") else content), choice
        )
        for name in ENTRY_NAMES
    ]
    # The record (approved) or the current revision: the marks kept beside each revision.
    chosen = (
        ContactRevision.is_record if choice.status == "approved" else ContactRevision.is_current
    )
    query = (
        select(*cells)
        .select_from(ContactRevision)
        .join(content, true())
        .outerjoin(justification, true())
        .join(School, School.id == ContactRevision.school_id)
        .join(people, people.c.id == ContactRevision.officer_id)
        .outerjoin(flags, flags.c.revision_id == ContactRevision.id)
        .outerjoin(
            APPROVAL,
            and_(
                APPROVAL.c.contact_id == ContactRevision.contact_id,
                APPROVAL.c.revision == ContactRevision.number,
                APPROVAL.c.decision == "approve",
            ),
        )
        .where(chosen, *choice.conditions())
        .order_by(ContactRevision.occurred_at, ContactRevision.contact_id)
    )
    if choice.status not in ("all", "approved"):
        query = query.where(ContactRevision.status == choice.status)
    return query


def _content_fields() -> dict[str, dict]:
    """json_to_record's columns for the content and for its justification: lists as text
    arrays, every other value as its JSON text (numbers, true/false, strings unquoted)."""
    fields = {"content": {"justification": db.JSON}, "justification": {}}
    for name in ENTRY_NAMES:
        key = name.removeprefix("justification_")
        if f"justification.{key}" in rules.FIELDS_BY_NAME and name != key:
            fields["justification"][key] = ARRAY(Text) if name in MULTI else Text
        elif name in rules.FIELDS_BY_NAME:
            fields["content"][name] = ARRAY(Text) if name in MULTI else Text
    return fields


def _field_cell(name: str, source, choice):
    """A content field's cell: null where v1 never asked it, or where narratives were not
    asked for; lists joined with ';'; free text spreadsheet-safe."""
    key = name.removeprefix("justification_")
    spec = rules.FIELDS_BY_NAME[f"justification.{key}" if name != key else name]
    if name == "narrative" and not choice.narratives:
        return null()
    value = source.c[key]
    if name in MULTI:
        value = func.nullif(func.array_to_string(value, ";"), "")
    elif spec.type == "text":
        # Only free text can begin with a formula's sign: every other value was checked at the
        # door against the rules' choices, numbers, times and true/false.
        value = _spreadsheet_safe(func.nullif(value, ""))
    if spec.since > 1:
        return case((ContactRevision.dictionary_version >= spec.since, value), else_=null())
    return value


def _spreadsheet_safe(value):
    """data_dictionary.spreadsheet_safe() in SQL: a leading formula trigger gets an apostrophe."""
    return case((func.left(value, 1).in_(FORMULA_TRIGGERS), literal("'") + value), else_=value)


def _utc_text(stored):
    """exports._utc_text() in SQL: ISO 8601 with its offset, microseconds only when there are
    some (as Python's isoformat() writes them)."""
    seconds = func.to_char(stored, literal('YYYY-MM-DD"T"HH24:MI:SS'))
    fraction = case(
        (
            func.date_part("microseconds", stored).cast(Integer) % 1000000 != 0,
            func.to_char(stored, literal(".US")),
        ),
        else_=literal(""),
    )
    return seconds + fraction + literal("+00:00")


def _true_false(condition):
    """A boolean as the exports write it: true, false, or empty for null."""
    return case((condition.is_(None), null()), (condition, literal("true")), else_=literal("false"))


def _flags():
    """Each revision's flags, in the rules' order, joined with ';' (revisions with none have
    no row)."""
    flag = RevisionFlag.flag.cast(Text)
    order = case({name: position for position, name in enumerate(rules.FLAGS)}, value=flag)
    return (
        select(
            RevisionFlag.revision_id,
            func.string_agg(flag, aggregate_order_by(literal(";"), order)).label("flags"),
        )
        .where(flag.in_(rules.FLAGS))
        .group_by(RevisionFlag.revision_id)
        .subquery("flags")
    )


def _restraint(kinds):
    """A CRDC restraint fact from the revision's facts: restraint taken, of one of these kinds;
    empty where the entry cannot say (v1, like its other CRDC facts)."""
    used = and_(
        ContactRevision.action_restraint,
        exists().where(
            RevisionChoice.revision_id == ContactRevision.id,
            RevisionChoice.field == "restraint_types",
            RevisionChoice.choice.in_(kinds),
        ),
    )
    return case((ContactRevision.crdc_referral.is_(None), null()), else_=_true_false(used))


CONTENT_FIELDS = _content_fields()
APPROVAL = ReviewDecision.__table__.alias("approval")
# The cells not read from the content, by column name (but the officer and the flags, which
# come from the query's own joins).
_COMPUTED = {
    "entry_id": ContactRevision.contact_id.cast(String),
    "revision": ContactRevision.number,
    "status": ContactRevision.status.cast(String),
    # The number of a newer revision beside the record: only a revision no longer current has one.
    "pending_revision": case(
        (
            ~ContactRevision.is_current,
            select(Contact.current_revision)
            .where(Contact.id == ContactRevision.contact_id)
            .scalar_subquery(),
        ),
        else_=null(),
    ),
    "approved_at": _utc_text(APPROVAL.c.decided_at),
    "school": _spreadsheet_safe(School.code),
    "received_at": _utc_text(ContactRevision.received_at),
    "crdc_referral_to_law_enforcement": _true_false(ContactRevision.crdc_referral),
    "crdc_school_related_arrest": _true_false(ContactRevision.crdc_arrest),
    **{name: _restraint(kinds) for name, kinds in RESTRAINT_FACTS.items()},
    "dictionary_version": ContactRevision.dictionary_version,
}
