"""Database behaviour the app relies on, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import session
from sqlalchemy import ARRAY, any_, bindparam, event, func, insert, select, text
from sqlalchemy.exc import OperationalError

from logger.extensions import db


def tune_sqlite(engine) -> None:
    """SQLite: foreign keys on, WAL journal, and real transactions.

    pysqlite's legacy mode opens a transaction only before a write, which breaks
    savepoints; here SQLAlchemy begins every transaction itself. Readers run
    in parallel (BEGIN DEFERRED); writers announce themselves with
    writing() so they queue for the lock instead of failing.
    """
    if engine.dialect.name != "sqlite":
        return
    _create_private_file(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _create_private_file(path: str | None) -> None:
    """Create a new SQLite database file owner-only (0600); SQLite gives its journal and
    WAL files the same mode. An existing file is left as it is."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def on_postgresql() -> bool:
    """Whether the session's database is PostgreSQL (else SQLite)."""
    return db.session.get_bind().dialect.name == "postgresql"


def lock_until_commit(name: str) -> None:
    """Let one transaction at a time hold `name`, until it commits or rolls back, so parallel
    requests cannot all pass a count before any of them writes. PostgreSQL takes a
    transaction lock on the name's hash; SQLite already queues writers (writing())."""
    if on_postgresql():
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


WRITE_TRANSACTION = "write_transaction"  # session.info: the transaction writes_throughout began


def writes_throughout(view):
    """Run a view that only writes (the sync API) in one write transaction from its first
    statement: on SQLite BEGIN IMMEDIATE before the signed-in user is loaded, so a writing()
    block in the view goes on in that transaction rather than committing first and loading
    the user again. The request commits once; on SQLite other writers wait while the batch is
    read and checked (a few milliseconds). Only for a session that has signed in (Flask-Login's
    `_user_id`): an anonymous request is refused without queueing for the lock. If the lock
    cannot be had, the view runs as any other, and its writing() waits for the lock itself."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if session.get("_user_id") and not db.session().in_transaction():  # signed in
            try:
                db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
                db.session.info[WRITE_TRANSACTION] = db.session().get_transaction()
            except OperationalError:
                db.session.rollback()
        return view(*args, **kwargs)

    return wrapped


@contextmanager
def writing() -> Iterator[None]:
    """One write transaction around the block: committed at its end, rolled back if it raises.

    The session's read transaction ends first, and on SQLite the new one takes the
    write lock up front (BEGIN IMMEDIATE), so a request that reads and then writes
    waits its turn rather than failing when another writer got in between. Elsewhere
    it is a plain transaction. A transaction writes_throughout began goes on as it is.
    Errors (an IntegrityError from a race, say) pass on to the caller after the rollback.
    """
    began = db.session().get_transaction()
    if began is None or began is not db.session.info.get(WRITE_TRANSACTION):
        db.session.commit()
        db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def insert_rows(model, rows: list[dict]) -> None:
    """Insert many rows into a model's table, given as dicts with the same keys: one
    statement, run by the driver's executemany. A Core insert into the table, not through the
    ORM's bulk path, which costs more than the database's work for a handful of rows.

    Core takes the first row's keys for all of them (a key only a later row has would be
    dropped without a word), so rows with other keys are refused.
    """
    keys = rows[0].keys()
    if any(row.keys() != keys for row in rows):
        raise ValueError(f"rows for {model.__tablename__} do not all have the same keys")
    db.session.execute(insert(model.__table__), rows)


def one_of(column, values: list):
    """`column IN (values)`; on PostgreSQL `column = ANY(values)`, one array parameter, so
    that a batch's hundred ids make a short statement the driver parses once, not a hundred
    parameters it parses on every call."""
    if on_postgresql():
        return column == any_(bindparam("values", values, type_=ARRAY(column.type), unique=True))
    return column.in_(values)


def new_ids(model, count: int) -> list[int]:
    """Integer keys for `count` rows of a model about to be inserted, so that they go in by
    executemany and need no RETURNING (whose hundred-row statement psycopg parses on every
    call). On PostgreSQL from the key's sequence; on SQLite after the largest, as SQLite
    numbers rows itself, which is safe inside writing() (it holds the write lock)."""
    table = model.__table__
    if on_postgresql():
        sequence = func.pg_get_serial_sequence(table.name, "id")
        return list(
            db.session.scalars(
                select(func.nextval(sequence)).select_from(func.generate_series(1, count))
            )
        )
    first = db.session.scalar(select(func.coalesce(func.max(table.c.id), 0))) + 1
    return list(range(first, first + count))
