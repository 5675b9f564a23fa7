"""The entries CSV and JSON Lines written by PostgreSQL itself (`COPY ... TO STDOUT`).

At a state's size these exports run at the database's pace rather than Python's: one
statement computes every cell (or line) as `exports.rows()` and `data_dictionary.
entry_cells()` make it (tests hold the two ways to the same bytes, and to the same
objects, key by key), and the app only copies the database's bytes into the export's
file. Each entry's content is read once (`json_to_record`); the CRDC facts are the
revision's queryable facts (rules/facts.py), never worked out again here. Every join is
one the database's parallel workers can share. SQLite has no such dump: there the
exports are built in Python.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

import psycopg
from sqlalchemy import (
    ARRAY,
    JSON,
    Integer,
    String,
    Text,
    and_,
    case,
    column,
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
from logger.core.database import on_postgresql
from logger.core.models import (
    Contact,
    ContactRevision,
    ReviewDecision,
    RevisionChoice,
    RevisionFlag,
    School,
)
from logger.evaluation.data_dictionary import (
    ENTRY_NAMES,
    FORMULA_TRIGGERS,
    MULTI,
    RECORDED_FIELDS,
    TYPED_COLUMNS,
    V2_FIELDS,
    field_spec,
)
from logger.extensions import db
from logger.rules.crdc import CRDC_COLUMNS, MECHANICAL

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
    return on_postgresql()


def write(choice, officers: dict[int, str], out: BinaryIO, export_format: str = "csv") -> None:
    """The export's entry lines (no header), as the database writes them, into `out`.

    `officers` names each officer as the export does (keyed pseudonyms, or user names).
    CSV lines end CR LF, as Python's csv module ends them, whatever the data holds; JSON
    Lines end LF. Unreadable: an entry the database could not read; `out` then holds part
    of the lines.
    """
    with _copy(_query(choice, officers, export_format), _FORMATS[export_format]) as copy:
        for piece in _crlf(copy) if export_format == "csv" else _unquoted(copy):
            out.write(piece)


def sqlite_rows(choice, officers: dict[int, str]) -> Iterator[list]:
    """The SQLite export's entries as the database reads them: ENTRY_NAMES' cells as text
    (exactly as stored, not spreadsheet-safe; None where not there), then the students
    described, as their stored JSON. Unreadable: an entry the database could not read."""
    with _copy(_query(choice, officers, "sqlite"), "FORMAT text") as copy:
        yield from _text_rows(copy)


def review_rows(choice, people: dict[int, str]) -> Iterator[list]:
    """The decisions on the exported entries, in the order they were made, as the reviews
    table holds them (REVIEW_NAMES); `people` names each reviewer as the export does."""
    named = _people(people)
    decided = ReviewDecision.__table__
    query = (
        select(
            decided.c.contact_id.cast(String),
            decided.c.revision,
            decided.c.decision.cast(String),
            named.c.name,
            _utc_text(decided.c.decided_at),
            func.coalesce(decided.c.comment, literal("")),
        )
        .join(named, named.c.id == decided.c.reviewer_id)
        .where(decided.c.contact_id.in_(select(ContactRevision.contact_id).where(*_chosen(choice))))
        .order_by(decided.c.id)
    )
    with _copy(query, "FORMAT text") as copy:
        yield from _text_rows(copy)


def _text_rows(chunks) -> Iterator[list]:
    """COPY's text format as rows of cells: text, or None for SQL's null (numbers stay text;
    the SQLite file's integer columns store them as integers). Read here rather than by the
    driver's row parser, which costs more than the database takes to write the rows."""
    rest = b""
    for chunk in chunks:
        lines = (rest + bytes(chunk)).split(b"\n")
        rest = lines.pop()  # the start of a row the next chunk ends (COPY escapes line breaks)
        for line in lines:
            yield [
                None if cell == "\\N" else _ESCAPED.sub(_unescaped, cell) if "\\" in cell else cell
                for cell in line.decode("utf-8").split("\t")
            ]


def _unescaped(escape) -> str:
    """The character a backslash sequence of COPY's text format stands for."""
    return _ESCAPES[escape[1]]


@contextmanager
def _copy(query, options: str):
    """The database's COPY of a query's rows, under a savepoint: should the database refuse
    an entry (Unreadable), the caller's transaction goes on."""
    # COPY takes no parameters: the filters' values and the officers' names are written in by
    # SQLAlchemy, as literals of their types (in a style that leaves '%' alone).
    statement = query.compile(
        dialect=postgresql.dialect(paramstyle="named"), compile_kwargs={"literal_binds": True}
    )
    driver = db.session.connection().connection.driver_connection
    try:
        with driver.transaction(), driver.cursor() as cursor:
            # compiling this one long scan to machine code costs more than it saves
            cursor.execute("SET LOCAL jit = off")
            with cursor.copy(f"COPY ({statement}) TO STDOUT WITH ({options})") as copy:
                yield copy
    except psycopg.DataError as error:  # stored text the database cannot read as JSON
        raise Unreadable(str(error)) from error


def _unquoted(chunks):
    """COPY's JSON lines as they are: a line COPY had to quote would hold a raw control
    character, which no JSON the database writes holds; should one, the Python path writes
    the export instead."""
    for chunk in chunks:
        piece = bytes(chunk)
        if _NO_QUOTE in piece:
            raise Unreadable("a line the database had to quote")
        yield piece


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


def _query(choice, officers: dict[int, str], export_format: str):
    """The export's lines, one cell each for JSON Lines, in time order: the record (approved)
    or the current revisions, filtered as chosen."""
    people = _people(officers)
    flags = _flags()
    if export_format == "jsonl":
        query = _json_lines(choice, people, flags)
    else:
        query = _cells(choice, people, flags, spreadsheet=export_format == "csv")
    return (
        query.join(School, School.id == ContactRevision.school_id)
        .join(people, people.c.id == ContactRevision.officer_id)
        .outerjoin(flags, flags.c.revision_id == ContactRevision.id)
        .outerjoin(RESTRAINTS, RESTRAINTS.c.revision_id == ContactRevision.id)
        .outerjoin(
            NEWER, and_(NEWER.c.id == ContactRevision.contact_id, ~ContactRevision.is_current)
        )
        .outerjoin(
            APPROVAL,
            and_(
                APPROVAL.c.contact_id == ContactRevision.contact_id,
                APPROVAL.c.revision == ContactRevision.number,
                APPROVAL.c.decision == "approve",
            ),
        )
        .where(*_chosen(choice))
        .order_by(ContactRevision.occurred_at, ContactRevision.contact_id)
    )


def _chosen(choice) -> list:
    """The revisions exported: the record (approved) or the current ones, by the marks kept
    beside each revision, of the status and filters chosen."""
    found = [
        ContactRevision.is_record if choice.status == "approved" else ContactRevision.is_current,
        *choice.conditions(),
    ]
    if choice.status not in ("all", "approved"):
        found.append(ContactRevision.status == choice.status)
    return found


def _people(names: dict[int, str]):
    """How the export names each person (id, name), as a values list: not a temporary table,
    so that the database may read in parallel."""
    return (
        values(column("id", Integer), column("name", Text), name="people")
        # with no one to name there is no entry either, but a values list needs a row
        .data(list(names.items()) or [(0, "")])
    )


def _cells(choice, people, flags, spreadsheet: bool):
    """The entries' cells (ENTRY_NAMES), each content field read once per entry
    (json_to_record): spreadsheet-safe for the CSV; for the SQLite file as stored, and
    followed by the students described, as their stored JSON."""
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
    safe = _spreadsheet_safe if spreadsheet else _as_stored
    computed = {
        **_COMPUTED,
        "school": safe(School.code),
        "officer": safe(people.c.name),
        # a list, empty when none (COPY's CSV writes SQL's null as nothing at all)
        "flags": flags.c.flags if spreadsheet else func.coalesce(flags.c.flags, literal("")),
    }
    cells = [
        computed[name]
        if name in computed
        else _field_cell(
            name,
            (justification if name.startswith("justification_") else content),
            choice,
            safe,
        )
        for name in ENTRY_NAMES
    ]
    if not spreadsheet:
        cells.append(content.c.students.cast(Text))
    return (
        select(*cells)
        .select_from(ContactRevision)
        .join(content, true())
        .outerjoin(justification, true())
    )


def _json_lines(choice, people, flags):
    """exports.rows()'s entries, each as one JSON object with its keys in the same order;
    the recorded values as stored (each read once per entry, by json_to_record)."""
    names = [name for name in RECORDED_FIELDS if choice.narratives or name != "narrative"]
    recorded = (
        func.json_to_record(ContactRevision.content)
        .table_valued(*(column(name, JSON) for name in names))
        .render_derived(name="recorded", with_types=True)
    )
    v1 = ContactRevision.dictionary_version <= 1
    as_stored = {name: recorded.c[name].cast(Text) for name in names}
    for name in V2_FIELDS:  # null where v1 never asked them
        as_stored[name] = case((v1, null()), else_=as_stored[name])
    if choice.narratives:
        as_stored["narrative"] = func.nullif(as_stored["narrative"], literal('""'))
    pairs = [
        _pair("entry_id", _json(_COMPUTED["entry_id"])),
        _pair("revision", _json(ContactRevision.number)),
        _pair("status", _json(_COMPUTED["status"])),
        _pair("pending_revision", _json(_COMPUTED["pending_revision"])),
        _pair("approved_at", _json(_COMPUTED["approved_at"])),
        _pair("officer", _json(people.c.name)),
        _pair("school", _json(School.code)),
        _pair("received_at", _json(_COMPUTED["received_at"])),
        _pair("flags", func.coalesce(flags.c.flag_list.cast(Text), literal("[]"))),
        _pair("dictionary_version", _json(ContactRevision.dictionary_version)),
        *(_pair(name, value) for name, value in as_stored.items()),
        *(_pair(name, _COMPUTED[name]) for name in CRDC_COLUMNS),
    ]
    line = literal("{") + func.concat_ws(literal(", "), *pairs) + literal("}")
    return select(line).select_from(ContactRevision).join(recorded, true())


def _pair(name: str, json_text):
    """One key and its value (JSON text; null for SQL's null) of a JSON object."""
    return literal(json.dumps(name) + ": ") + func.coalesce(json_text, literal("null"))


def _json(value):
    """A value as JSON text (null stays SQL's null)."""
    return func.to_json(value).cast(Text)


def _content_fields() -> dict[str, dict]:
    """json_to_record's columns for the content and for its justification: lists as text
    arrays, every other value as its JSON text (numbers, true/false, strings unquoted)."""
    fields = {"content": {"justification": JSON, "students": JSON}, "justification": {}}
    for name in ENTRY_NAMES:
        if field_spec(name) is not None:
            key = name.removeprefix("justification_")
            source = "content" if key == name else "justification"
            fields[source][key] = ARRAY(Text) if name in MULTI else Text
    return fields


def _field_cell(name: str, source, choice, safe):
    """A content field's cell: null where v1 never asked it, or where narratives were not
    asked for; lists joined with ';'; free text `safe` (spreadsheet-safe, or as stored)."""
    spec = field_spec(name)
    if name == "narrative" and not choice.narratives:
        return null()
    value = source.c[name.removeprefix("justification_")]
    if name in MULTI:
        value = func.nullif(func.array_to_string(value, ";"), "")
    elif name in TYPED_COLUMNS:  # the only text a formula can begin in
        value = safe(func.nullif(value, ""))
    if spec.since > 1:
        return case((ContactRevision.dictionary_version >= spec.since, value), else_=null())
    return value


def _as_stored(value):
    """A text as stored (the SQLite file keeps every text exactly so)."""
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
    """Each revision's flags, in the rules' order, joined with ';' and as a JSON list
    (revisions with none have no row)."""
    flag = RevisionFlag.flag.cast(Text)
    order = case({name: position for position, name in enumerate(rules.FLAGS)}, value=flag)
    return (
        select(
            RevisionFlag.revision_id,
            func.string_agg(flag, aggregate_order_by(literal(";"), order)).label("flags"),
            func.json_agg(aggregate_order_by(flag, order)).label("flag_list"),
        )
        .where(flag.in_(rules.FLAGS))
        .group_by(RevisionFlag.revision_id)
        .subquery("flags")
    )


def _restraints():
    """Each revision's kinds of restraint, one true/false column per CRDC restraint fact
    (revisions with none recorded have no row)."""
    choice = RevisionChoice.choice
    return (
        select(
            RevisionChoice.revision_id,
            *(
                func.bool_or(choice.in_(kinds)).label(name)
                for name, kinds in RESTRAINT_FACTS.items()
            ),
        )
        .where(RevisionChoice.field == "restraint_types")
        .group_by(RevisionChoice.revision_id)
        .subquery("restraints")
    )


def _restraint(name: str):
    """A CRDC restraint fact from the revision's facts: restraint taken, of one of its kinds;
    empty where the entry cannot say (v1, like its other CRDC facts)."""
    used = and_(ContactRevision.action_restraint, func.coalesce(RESTRAINTS.c[name], False))
    return case((ContactRevision.crdc_referral.is_(None), null()), else_=_true_false(used))


CONTENT_FIELDS = _content_fields()
# COPY's text format: each backslash sequence it writes, and the character it stands for.
_ESCAPED = re.compile(r"\\(.)")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
# COPY's CSV with a quote and a delimiter no JSON line holds: each line is written as it is.
_NO_QUOTE = b"\x01"
_FORMATS = {"csv": "FORMAT csv", "jsonl": "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'"}
APPROVAL = ReviewDecision.__table__.alias("approval")
RESTRAINTS = _restraints()
# The entry of a revision no longer current, whose current revision is then a pending one.
NEWER = Contact.__table__.alias("newer")
# The cells not read from the content, by column name (but the school, the officer and the
# flags, which each export writes in its own way).
_COMPUTED = {
    "entry_id": ContactRevision.contact_id.cast(String),
    "revision": ContactRevision.number,
    "status": ContactRevision.status.cast(String),
    # The number of a newer revision beside the record: only a revision no longer current has one.
    "pending_revision": NEWER.c.current_revision,
    "approved_at": _utc_text(APPROVAL.c.decided_at),
    "received_at": _utc_text(ContactRevision.received_at),
    "crdc_referral_to_law_enforcement": _true_false(ContactRevision.crdc_referral),
    "crdc_school_related_arrest": _true_false(ContactRevision.crdc_arrest),
    **{name: _restraint(name) for name in RESTRAINT_FACTS},
    "dictionary_version": ContactRevision.dictionary_version,
}
