"""A consistent copy of the SQLite database, taken while the app serves (sqlite3's backup API)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import URL

PG_DUMP_HINT = 'this database is PostgreSQL: back it up with pg_dump -Fc (README, "Backups")'


class BackupRefused(Exception):
    """The backup was not taken; the message says why in one line."""


def database_file(url: URL) -> Path:
    """The SQLite file a database URL names, or BackupRefused for any other database."""
    if url.get_backend_name() != "sqlite":
        raise BackupRefused(
            PG_DUMP_HINT
            if url.get_backend_name() == "postgresql"
            else f"backup copies SQLite databases, not {url.get_backend_name()}"
        )
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupRefused("backup copies a SQLite database file, not an in-memory database")
    path = Path(url.database)
    if not path.is_file() or path.stat().st_size == 0:  # the app makes an empty file at start
        raise BackupRefused(f"there is no database at {path} (flask db upgrade makes one)")
    return path


def take(source: Path, target: Path, *, overwrite: bool = False) -> int:
    """Copy the database at source to target, owner-only; return the copy's size in bytes.

    The copy is one read transaction on the source (the backup API in a single
    step): in WAL mode writers go on meanwhile, and the copy holds exactly what
    was committed when it began. It is written under a temporary name beside
    target, checked (PRAGMA integrity_check) and only then put in place, so
    target is a whole database or absent. An existing target is kept unless
    overwrite.
    """
    folder = target.parent
    if not folder.is_dir():
        raise BackupRefused(f"there is no folder {folder} to write {target.name} in")
    if target.is_dir():
        raise BackupRefused(f"{target} is a folder; name a file")
    if target.exists() and not overwrite:
        raise BackupRefused(f"{target} already exists; choose a new file (or --overwrite)")
    private = tempfile.mkdtemp(prefix=".sro-backup-", dir=folder)
    try:
        partial = Path(private) / "backup.sqlite3"
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        _copy(source, partial)
        if overwrite:
            os.replace(partial, target)
        else:
            try:
                os.link(partial, target)  # never replaces a file made meanwhile
            except FileExistsError:
                raise BackupRefused(f"{target} already exists; choose a new file") from None
        return target.stat().st_size
    except OSError as error:
        raise BackupRefused(f"cannot write {target}: {error.strerror}") from None
    finally:
        shutil.rmtree(private)


def _copy(source: Path, partial: Path) -> None:
    """The backup itself, then a check of the copy; the copy is left as one file (no WAL)."""
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        reader.execute("PRAGMA busy_timeout=10000")
        reader.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        verdict = [row[0] for row in copy.execute("PRAGMA integrity_check")]
    except sqlite3.Error as error:
        raise BackupRefused(f"the backup failed: {error}") from None
    finally:
        reader.close()
        copy.close()
    if verdict != ["ok"]:
        raise BackupRefused(f"the copy failed its integrity check: {verdict[0]}")
