"""Evaluation exports: de-identified entries as CSV, JSON Lines or a SQLite database.

Every format is built from the same rows (`rows()`), streamed from the
database a batch at a time, so memory stays flat however many entries there
are. Each export is written whole into a private temporary file before its
first byte is sent (`build()`, `save()`): a download is complete or refused,
never cut off after a 200, and no copy is left behind. Officers and reviewers
appear under a keyed pseudonym unless an admin asks for names; narratives
only when asked for.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

import sqlite_utils
from flask import current_app
from sqlalchemy import DateTime, Row, Uuid, and_, func, select, type_coerce
from sqlalchemy.orm import aliased

from logger import rules
from logger.admin import program_records
from logger.core import audit
from logger.core.clock import SchoolYear
from logger.core.models import (
    CURRENT_REVISION,
    PENDING_REVISION,
    RECORD_REVISION,
    Contact,
    ContactRevision,
    ReviewDecision,
    RevisionFlag,
    School,
    User,
)
from logger.core.record import RecordFilter
from logger.evaluation import crdc_worksheet, entries_copy
from logger.evaluation.data_dictionary import (
    ACTION_COLUMNS,
    CSV_NOTE,
    ENTRY_COLUMNS,
    ENTRY_NAMES,
    INTEGER_COLUMNS,
    PROGRAM_COLUMNS,
    RECORDED_FIELDS,
    REVIEW_COLUMNS,
    REVIEW_NAMES,
    STUDENT_COLUMNS,
    STUDENT_NAMES,
    TYPED_COLUMNS,
    V2_FIELDS,
    entry_cells,
    program_cells,
    program_column_types,
    program_columns,
    spreadsheet_safe_cells,
    student_cells,
)
from logger.extensions import db

FORMAT_NAMES = {
    "csv": "Entries (CSV)",
    "students.csv": "Students (CSV)",
    "jsonl": "JSON Lines",
    "sqlite": "SQLite database (for Datasette)",
    "crdc": "CRDC worksheet (CSV, per school; approved entries of a school year)",
}
STATUS_NAMES = {
    "approved": "Approved (the record)",
    "submitted": "Waiting for review",
    "returned": "Returned for correction",
    "all": "All",
}
FORMATS = tuple(FORMAT_NAMES)
STATUSES = tuple(STATUS_NAMES)
BATCH = 1000
V2_ONLY = frozenset(V2_FIELDS)
ACTIONS = ENTRY_NAMES.index("actions")  # the actions cell of an entry's row
V1_CRDC = dict.fromkeys(rules.CRDC_COLUMNS)


@dataclass
class Choice(RecordFilter):
    """What to export: which entries (the record's filters and a status), and options."""

    status: str = "approved"
    narratives: bool = False
    names: bool = False  # admins only, on purpose
    school_year: SchoolYear | None = None  # the CRDC worksheet's, when it covers one

    @classmethod
    def worksheet(
        cls,
        first_year: int | None,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        school_id: int | None = None,
    ) -> Choice:
        """What a CRDC worksheet counts: the record of the school year starting in
        `first_year`, or of days; with neither, of the school year today falls in."""
        school_year = None
        if first_year is not None or (date_from is None and date_to is None):
            school_year = crdc_worksheet.school_year(first_year)
            date_from, date_to = school_year.first_day, school_year.last_day
        return cls(
            date_from=date_from, date_to=date_to, school_id=school_id, school_year=school_year
        )

    def audit_detail(self, export_format: str) -> dict:
        options = {name: True for name in ("narratives", "names") if getattr(self, name)}
        year = {"school_year": self.school_year.first} if self.school_year else {}
        return {"format": export_format, "status": self.status, **self.chosen(), **year, **options}


def pseudonym(user: User | Row, names: bool) -> str:
    """A stable, keyed pseudonym for a person, or their user name when names are asked for."""
    if names:
        return user.username
    key = current_app.config["SRO_EXPORT_KEY"].encode()
    return "person-" + hmac.new(key, f"user:{user.id}".encode(), hashlib.sha256).hexdigest()[:12]


def officer_choices(names: bool) -> list[tuple[int, str]]:
    """(id, how the export names them) for every officer, in that order: filter choices (plain
    rows: a state has thousands of officers)."""
    officers = db.session.execute(select(User.id, User.username).where(User.role == "officer"))
    return sorted(
        ((officer.id, pseudonym(officer, names)) for officer in officers), key=lambda pair: pair[1]
    )


def officer_names(names: bool) -> dict[int, str]:
    """Every user's id: how the export names them (plain rows, not a state's users in the
    session)."""
    return {
        user.id: pseudonym(user, names)
        for user in db.session.execute(select(User.id, User.username))
    }


def _query(choice: Choice):
    approval = aliased(ReviewDecision)
    flags = (
        select(func.aggregate_strings(RevisionFlag.flag, " "))
        .where(RevisionFlag.revision_id == ContactRevision.id)
        .scalar_subquery()
    )
    revision = RECORD_REVISION if choice.status == "approved" else CURRENT_REVISION
    query = (
        select(
            type_coerce(Contact.id, Uuid(as_uuid=False)).label("entry_id"),
            Contact.officer_id,
            ContactRevision.number,
            ContactRevision.status,
            ContactRevision.content,
            type_coerce(ContactRevision.received_at, DateTime()).label("received_at"),
            ContactRevision.dictionary_version,
            PENDING_REVISION.label("pending_revision"),
            type_coerce(approval.decided_at, DateTime()).label("decided_at"),
            School.code,
            flags.label("flags"),
        )
        .select_from(Contact)
        .join(ContactRevision, revision)
        .join(School, School.id == ContactRevision.school_id)
        .outerjoin(
            approval,
            and_(
                approval.contact_id == Contact.id,
                approval.revision == ContactRevision.number,
                approval.decision == "approve",
            ),
        )
        .order_by(ContactRevision.occurred_at, Contact.id)
    )
    if choice.status not in ("all", "approved"):
        query = query.where(ContactRevision.status == choice.status)
    return query.where(*choice.conditions())


def rows(choice: Choice) -> Iterator[dict]:
    """The entries to export, nested as in the data dictionary, a batch at a time.

    One query, streamed (a server-side cursor on PostgreSQL), of plain columns with
    each entry's flags gathered in SQL: nothing accumulates in the session or in the
    driver's statement cache, so memory stays flat however many entries stream past.
    """
    officers = officer_names(choice.names)
    fields = [name for name in RECORDED_FIELDS if choice.narratives or name != "narrative"]
    for row in db.session.connection().execute(_query(choice).execution_options(yield_per=BATCH)):
        content = row.content
        v1 = row.dictionary_version <= 1
        recorded = {name: None if v1 and name in V2_ONLY else content.get(name) for name in fields}
        if choice.narratives:
            recorded["narrative"] = recorded["narrative"] or None
        raised = (row.flags or "").split()
        yield {
            "entry_id": row.entry_id,
            "revision": row.number,
            "status": row.status,
            "pending_revision": row.pending_revision,
            "approved_at": _utc_text(row.decided_at),
            "officer": officers[row.officer_id],
            "school": row.code,
            "received_at": _utc_text(row.received_at),
            "flags": [name for name in rules.FLAGS if name in raised],
            "dictionary_version": row.dictionary_version,
            **recorded,
            # v1 did not record what the CRDC asks: its facts are unknown, never guessed
            **(V1_CRDC if v1 else rules.crdc(content)),
        }


def _utc_text(stored: datetime | None) -> str | None:
    """A stored time (naive UTC, read without the UTCDateTime decorator: the export reads
    many) in ISO 8601 with its offset."""
    return None if stored is None else stored.isoformat() + "+00:00"


class ExportFailed(Exception):
    """An export that could not be written whole: nothing of it was sent or left behind."""

    def __init__(self, entry_id: str | None):
        super().__init__(
            f"The export was not made: entry {entry_id or '(unknown)'} holds text that cannot "
            "be written. Nothing was sent. An admin can list such entries with "
            "'flask --app logger check-data'."
        )
        self.entry_id = entry_id


class _CsvLines:
    """CSV text a few lines at a time, after a header row; every cell spreadsheet-safe (of
    `typed` columns only, when the others hold values checked at the door)."""

    def __init__(self, names, typed: frozenset[str] | None = None):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)
        self.names = names
        self.typed = tuple(
            position for position, name in enumerate(names) if typed is None or name in typed
        )

    def header(self) -> str:
        self.writer.writerow(self.names)
        return self._taken()

    def lines(self, rows_of_cells) -> str:
        self.writer.writerows(spreadsheet_safe_cells(cells, self.typed) for cells in rows_of_cells)
        return self._taken()

    def _taken(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def _text_lines(choice: Choice, export_format: str) -> Iterator[tuple[str | None, str]]:
    """(entry id, its text) for each entry of a CSV or JSON Lines export; None for the header
    (and for the CRDC worksheet, which is all counts)."""
    if export_format == "crdc":
        yield None, crdc_worksheet.csv_text(choice, choice.school_year)
        return
    if export_format == "jsonl":
        for row in rows(choice):
            yield row["entry_id"], json.dumps(row, ensure_ascii=False) + "\n"
        return
    if export_format not in ("csv", "students.csv"):
        raise ValueError(f"not a text format: {export_format}")
    students = export_format == "students.csv"
    table = _CsvLines(STUDENT_NAMES if students else ENTRY_NAMES, TYPED_COLUMNS)
    yield None, table.header()
    for row in rows(choice):
        yield row["entry_id"], table.lines(student_cells(row) if students else (entry_cells(row),))


def write_text(choice: Choice, export_format: str, out: BinaryIO) -> None:
    """Write a whole CSV or JSON Lines export, UTF-8, into a binary file.

    ExportFailed names the first entry whose text cannot be written.
    """
    if export_format in ("csv", "jsonl") and entries_copy.available():
        start = out.tell()
        if export_format == "csv":
            out.write(_CsvLines(ENTRY_NAMES).header().encode("utf-8"))
        try:
            entries_copy.write(choice, officer_names(choice.names), out, export_format)
            return
        except entries_copy.Unreadable:  # written again below, which names the entry
            out.seek(start)
            out.truncate()
    for entry_id, text in _text_lines(choice, export_format):
        try:
            out.write(text.encode("utf-8"))
        except UnicodeEncodeError:
            raise ExportFailed(entry_id) from None


def build(choice: Choice, export_format: str) -> BinaryIO:
    """The whole export in a private temporary file with no name on disk, ready to send.

    Made completely before the first byte is sent, so a download is whole or
    not at all; the file disappears when it is closed, however the download ends.
    """
    if export_format == "sqlite":
        folder = tempfile.mkdtemp(prefix="sro-export-")  # owner-only (0700)
        try:
            path = os.path.join(folder, "export.db")
            write_sqlite(choice, path)
            return open(path, "rb")  # still readable once its folder is gone
        finally:
            shutil.rmtree(folder)
    handle = tempfile.TemporaryFile()  # owner-only (0600), unlinked at once
    try:
        write_text(choice, export_format, handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def save(choice: Choice, targets: list[tuple[str, str]]) -> None:
    """Write exports, as (format, path) pairs, owner-only and whole, or leave nothing there.

    Each is written beside its path under a temporary name; all are renamed into
    place only when every one is complete.
    """
    folders, written = [], []
    try:
        for export_format, path in targets:
            folders.append(
                tempfile.mkdtemp(prefix=".sro-export-", dir=os.path.dirname(os.path.abspath(path)))
            )
            partial = os.path.join(folders[-1], "export")
            if export_format == "sqlite":
                write_sqlite(choice, partial)
            else:
                with open(
                    os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb"
                ) as out:
                    write_text(choice, export_format, out)
            os.chmod(partial, 0o600)
            written.append((partial, path))
        for partial, path in written:
            os.replace(partial, path)
    finally:
        for folder in folders:
            shutil.rmtree(folder)


def program_csv(kind: program_records.RecordType, rows: list[tuple[int, dict]]) -> str:
    """A kind of program record as CSV text, from (id, shown values) pairs."""
    names = [name for name, _ in program_columns(kind)]
    table = _CsvLines(names)
    return table.header() + table.lines(
        [cells.get(name, "") for name in names]
        for cells in (program_cells(record_id, values) for record_id, values in rows)
    )


def write_sqlite(choice: Choice, path: str) -> None:
    """A SQLite database for Datasette: entries, actions, students, reviews, the program
    records (a table each), data_dictionary.

    A value not there (a field that did not apply, or that v1 never recorded) is NULL."""
    if entries_copy.available():
        try:
            _write_database(choice, path, _write_entries_as_read_by_database)
            return
        except (entries_copy.Unreadable, UnicodeEncodeError):
            pass  # written again below, which names the entry
    _write_database(choice, path, _write_entries)


def _write_database(choice: Choice, path: str, write_entries) -> None:
    out = sqlite_utils.Database(path, recreate=True)
    # A file built whole before anyone reads it, and thrown away if building it fails:
    # neither a rollback journal nor a wait for the disk protects anything.
    out.execute("PRAGMA journal_mode = OFF")
    out.execute("PRAGMA synchronous = OFF")
    try:
        _create_tables(out)
        with out.conn:  # one transaction: the file is complete or, on failure, discarded
            write_entries(out, choice)
        _write_program_records(out, choice.names)
        _index_and_describe(out)
    finally:
        out.close()


def _create_tables(out) -> None:
    entry_types = {name: int if name in INTEGER_COLUMNS else str for name in ENTRY_NAMES}
    out["entries"].create(entry_types, pk="entry_id")
    out["actions"].create(
        {"entry_id": str, "action": str}, foreign_keys=[("entry_id", "entries", "entry_id")]
    )
    out["students"].create(
        {name: int if name == "student_number" else str for name in STUDENT_NAMES},
        pk=("entry_id", "student_number"),
        foreign_keys=[("entry_id", "entries", "entry_id")],
    )
    out["reviews"].create(
        {name: int if name == "revision" else str for name in REVIEW_NAMES},
        foreign_keys=[("entry_id", "entries", "entry_id")],
    )


def _index_and_describe(out) -> None:
    for table, column in (
        ("entries", "occurred_at"),
        ("entries", "school"),
        ("entries", "classification"),
        ("entries", "officer"),
        ("actions", "entry_id"),
        ("actions", "action"),
        ("reviews", "entry_id"),
    ):
        out[table].create_index([column], if_not_exists=True)
    out["data_dictionary"].insert_all(
        {"table_name": table, "column_name": name, "description": description}
        for table, columns in (
            ("entries", ENTRY_COLUMNS),
            ("students", STUDENT_COLUMNS),
            ("actions", ACTION_COLUMNS),
            ("reviews", REVIEW_COLUMNS),
            *PROGRAM_COLUMNS,
            ("(CSV exports)", (("(every text cell)", CSV_NOTE),)),
        )
        for name, description in columns
    )


def _write_program_records(out, names: bool) -> None:
    """Every program record, officers named as the export names them (pseudonyms unless
    names were asked for)."""

    def name_of(user: User) -> str:
        return pseudonym(user, names)

    for kind in program_records.RECORD_TYPES:
        out[kind.table].create(program_column_types(kind), pk="id")
        out[kind.table].insert_all(
            program_cells(record.id, program_records.shown(kind, record, name_of), blank=None)
            for record in program_records.listed(kind)
        )


def _write_entries(out, choice: Choice) -> None:
    """Each exported entry with its actions and students, and the decisions on them,
    a batch of entries to a statement."""
    people: dict[int, str] = {}  # user id: how the export names them
    for batch in _batches(rows(choice)):
        _write_batch(out, batch, choice, people)


def _write_entries_as_read_by_database(out, choice: Choice) -> None:
    """_write_entries(), from the rows the database reads (entries_copy), a batch to a
    statement."""
    people = officer_names(choice.names)
    # closed on any failure, so that the Python path may then read from the same connection
    with closing(entries_copy.sqlite_rows(choice, people)) as entries:
        _write_rows_as_read_by_database(out, entries)
    with closing(entries_copy.review_rows(choice, people)) as reviews:
        for batch in _batches(reviews):
            _insert(out, "reviews", REVIEW_NAMES, batch)


def _write_rows_as_read_by_database(out, entries: Iterator[list]) -> None:
    """Each entry's row, its actions (its actions cell's choices) and the students it
    describes (as stored), a batch of entries to a statement."""
    for batch in _batches(entries):
        _insert(out, "entries", ENTRY_NAMES, [row[:-1] for row in batch])
        _insert(
            out,
            "actions",
            ("entry_id", "action"),
            [
                (row[0], action)
                for row in batch
                if row[ACTIONS]
                for action in row[ACTIONS].split(";")
            ],
        )
        _insert(
            out,
            "students",
            STUDENT_NAMES,
            [
                cells
                for row in batch
                if row[-1]
                for cells in student_cells(
                    {"entry_id": row[0], "students": json.loads(row[-1])}, blank=None
                )
            ],
        )


def _batches(rows_of_cells: Iterator) -> Iterator[list]:
    """Rows a BATCH at a time (the last batch may be shorter)."""
    while batch := list(itertools.islice(rows_of_cells, BATCH)):
        yield batch


def _write_batch(out, batch: list[dict], choice: Choice, people: dict[int, str]) -> None:
    tables = (
        ("entries", ENTRY_NAMES, [entry_cells(row, blank=None) for row in batch]),
        (
            "actions",
            ("entry_id", "action"),
            [(row["entry_id"], action) for row in batch for action in row.get("actions") or []],
        ),
        (
            "students",
            STUDENT_NAMES,
            [cells for row in batch for cells in student_cells(row, blank=None)],
        ),
        ("reviews", REVIEW_NAMES, _review_cells(batch, choice, people)),
    )
    for table, names, cells in tables:
        try:
            _insert(out, table, names, cells)
        except UnicodeEncodeError:
            raise ExportFailed(_unwritable(cells)) from None


def _insert(out, table: str, names, rows_of_cells: list) -> None:
    columns = ", ".join(f"[{name}]" for name in names)
    marks = ", ".join("?" for _ in names)
    # nosec B608: the table and column names are the data dictionary's constants, never input
    statement = f"INSERT INTO [{table}] ({columns}) VALUES ({marks})"  # nosec B608
    out.conn.executemany(statement, rows_of_cells)


def _unwritable(rows_of_cells: list) -> str | None:
    """The entry id (each row's first cell) of the first row holding text UTF-8 cannot carry."""
    for cells in rows_of_cells:
        if not all(rules.is_valid_unicode(cell) for cell in cells if isinstance(cell, str)):
            return cells[0]
    return None


def _review_cells(batch: list[dict], choice: Choice, people: dict[int, str]) -> list[tuple]:
    """The decisions on a batch of entries, as rows of the reviews table."""
    entry_id = type_coerce(ReviewDecision.contact_id, Uuid(as_uuid=False))
    decisions = db.session.execute(
        select(
            entry_id.label("entry_id"),
            ReviewDecision.revision,
            ReviewDecision.decision,
            ReviewDecision.reviewer_id,
            type_coerce(ReviewDecision.decided_at, DateTime()).label("decided_at"),
            ReviewDecision.comment,
        )
        .where(entry_id.in_([row["entry_id"] for row in batch]))
        .order_by(ReviewDecision.id)
    ).all()
    for reviewer_id in {d.reviewer_id for d in decisions} - people.keys():
        people[reviewer_id] = pseudonym(db.session.get(User, reviewer_id), choice.names)
    return [
        (
            d.entry_id,
            d.revision,
            d.decision,
            people[d.reviewer_id],
            _utc_text(d.decided_at),
            d.comment or "",
        )
        for d in decisions
    ]


def record(actor: User | None, choice: Choice, export_format: str, client_addr: str | None) -> None:
    """The audit event every export leaves; the caller commits."""
    audit.record(
        "export", actor=actor, client_addr=client_addr, detail=choice.audit_detail(export_format)
    )
