"""flask --app logger backup -o FILE: a consistent SQLite copy taken while entries are written."""

import sqlite3
import threading
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from logger import create_app
from logger.core import backup
from logger.core.database import writing
from logger.core.models import AuditEvent, User
from logger.extensions import db
from tests.factories import Auth, make_contact, make_school, make_user, mentoring_entry

MOST_ENTRIES = 300  # under one page of GET /api/v1/entries


@pytest.fixture
def on_sqlite(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("backup copies SQLite; PostgreSQL is backed up with pg_dump")


def keep_writing(app, committed: list, stop: threading.Event) -> None:
    """Store entries for ofc.ruiz one write transaction at a time, noting each once committed."""
    with app.app_context():
        officer = db.session.scalar(select(User).filter_by(username="ofc.ruiz"))
        school_id = officer.schools[0].id
        while not stop.is_set() and len(committed) < MOST_ENTRIES:
            with writing():
                contact = make_contact(officer, mentoring_entry(school_id))
            committed.append(str(contact.id))
        db.session.remove()


def test_a_backup_under_write_load_holds_every_entry_committed_before_it(
    app, runner, on_sqlite, tmp_path
):
    with app.app_context():
        make_user("ofc.ruiz", schools=[make_school()])
    committed, stop = [], threading.Event()
    writer = threading.Thread(target=keep_writing, args=(app, committed, stop))
    writer.start()
    try:
        while len(committed) < 20:
            threading.Event().wait(0.01)
        before = list(committed)
        result = runner.invoke(args=["backup", "-o", str(tmp_path / "copy.sqlite3")])
        during = len(committed)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert during > len(before) or len(committed) == MOST_ENTRIES  # writers went on meanwhile
    copy = tmp_path / "copy.sqlite3"
    assert copy.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(copy) as check:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    restored = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-only-not-a-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}",
        }
    )
    client = restored.test_client()
    Auth(client).login("ofc.ruiz")
    served = {entry["id"] for entry in client.get("/api/v1/entries").get_json()["entries"]}
    assert set(before) <= served and served <= set(committed)
    assert client.get("/entries").status_code == 200


def test_a_backup_leaves_an_audit_event(app, runner, on_sqlite, tmp_path):
    result = runner.invoke(args=["backup", "-o", str(tmp_path / "copy.sqlite3")])
    assert result.exit_code == 0 and "Wrote" in result.output
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="backup"))
        assert event.client_addr == "command line"
        assert event.detail["file"] == str(tmp_path / "copy.sqlite3")


@pytest.mark.parametrize(
    "target, reason",
    [
        ("taken.sqlite3", "taken.sqlite3 already exists; choose a new file (or --overwrite)"),
        ("missing/copy.sqlite3", "there is no folder"),
        (".", "is a folder; name a file"),
    ],
)
def test_bad_targets_are_refused_with_a_reason(app, runner, on_sqlite, tmp_path, target, reason):
    (tmp_path / "taken.sqlite3").write_text("keep me")
    result = runner.invoke(args=["backup", "-o", str(tmp_path / target)])
    assert result.exit_code == 1 and reason in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (tmp_path / "taken.sqlite3").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.sqlite3"]  # nothing left over


def test_overwrite_replaces_an_earlier_backup(app, runner, on_sqlite, tmp_path):
    (tmp_path / "copy.sqlite3").write_text("last night's")
    result = runner.invoke(args=["backup", "--overwrite", "-o", str(tmp_path / "copy.sqlite3")])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "copy.sqlite3") as check:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_postgresql_is_pointed_to_pg_dump(app, runner, tmp_path):
    with pytest.raises(backup.BackupRefused, match="pg_dump -Fc"):
        backup.database_file(make_url("postgresql+psycopg://sro@db.internal/sro"))
    with app.app_context():
        on_postgresql = db.engine.dialect.name == "postgresql"
    if on_postgresql:
        result = runner.invoke(args=["backup", "-o", str(tmp_path / "copy")])
        assert result.exit_code == 1 and "back it up with pg_dump -Fc" in result.output
        assert not (tmp_path / "copy").exists()


def test_an_unknown_database_file_is_refused(tmp_path):
    with pytest.raises(backup.BackupRefused, match="there is no database at"):
        backup.database_file(make_url(f"sqlite:///{tmp_path / uuid.uuid4().hex}"))
