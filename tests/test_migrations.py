"""The migrations are the schema: one head, and they match the models exactly."""

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from logger.core.models import Assignment, Contact, ContactRevision, User
from logger.extensions import db


def test_there_is_exactly_one_migration_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_and_migrations_agree(app):
    """Autogenerate against the migrated test database finds no difference."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_old_assignments_and_supervisors_become_history_that_covers_every_stored_entry(app):
    """0012 starts an old assignment before the officer's first contact at its school, so an
    entry stored then stays valid (and its amendments can be checked); 0013 starts each
    officer's supervision history with today's supervisor."""
    with app.app_context():
        downgrade(revision="0011")
        try:
            with db.engine.begin() as connection:
                run = connection.exec_driver_sql
                run(
                    "INSERT INTO schools (id, code, name, level) VALUES (1, 'LHS', 'Lincoln', "
                    "'high')"
                )
                run(
                    "INSERT INTO users (id, username, password_hash, role, active, session_version,"
                    " created_at) VALUES (2, 'sgt.park', 'x', 'supervisor', true, 0,"
                    " '2026-10-01 08:00:00')"
                )
                run(
                    "INSERT INTO users (id, username, password_hash, role, active, session_version,"
                    " supervisor_id, created_at) VALUES (1, 'ofc.ruiz', 'x', 'officer', true, 0, 2,"
                    " '2026-11-01 08:00:00')"
                )
                run(
                    "INSERT INTO assignments (id, officer_id, school_id, created_at)"
                    " VALUES (1, 1, 1, '2026-11-01 08:00:00')"
                )
                run(
                    "INSERT INTO contacts (id, officer_id, current_revision, created_at, "
                    "updated_at)"
                    " VALUES ('00000000000040008000000000000001', 1, 1, '2026-11-01 08:00:00',"
                    " '2026-11-01 08:00:00')"
                )
                run(
                    "INSERT INTO contact_revisions (contact_id, number, content, classification,"
                    " occurred_at, school_id, status, received_at, concern)"
                    " VALUES ('00000000000040008000000000000001', 1, '{}', 'mentoring',"
                    " '2026-10-20 03:00:00', 1, 'submitted', '2026-11-01 08:00:00', 9)"
                )
        finally:
            upgrade()
        assignment = db.session.get(Assignment, 1)
        assert (assignment.starts_on, assignment.ends_on) == (date(2026, 10, 19), None)
        assert assignment.covers(date(2026, 10, 19))  # the contact's evening, in Chicago
        [supervision] = db.session.get(User, 1).supervisions  # 0013: today's supervisor, since
        assert (supervision.supervisor.username, supervision.ended_at) == ("sgt.park", None)


def test_0021_gives_each_stored_revision_its_contacts_officer(app):
    """The review queue finds a team's entries by the revisions' officer: 0021 back-fills it."""
    with app.app_context():
        downgrade(revision="0020")
        try:
            with db.engine.begin() as connection:
                run = connection.exec_driver_sql
                run("INSERT INTO schools (id, code, name, level) VALUES (1, 'LHS', 'L', 'high')")
                for user_id in (1, 2):
                    run(
                        "INSERT INTO users (id, username, password_hash, role, active,"
                        f" session_version, created_at) VALUES ({user_id}, 'ofc.{user_id}', 'x',"
                        " 'officer', true, 0, '2026-11-01 08:00:00')"
                    )
                for user_id in (1, 2):
                    run(
                        "INSERT INTO contacts (id, officer_id, current_revision, created_at,"
                        f" updated_at) VALUES ('0000000000004000800000000000000{user_id}',"
                        f" {user_id}, 1, '2026-11-01 08:00:00', '2026-11-01 08:00:00')"
                    )
                    run(
                        "INSERT INTO contact_revisions (contact_id, number, content,"
                        " classification, occurred_at, school_id, status, received_at, concern)"
                        f" VALUES ('0000000000004000800000000000000{user_id}', 1, '{{}}',"
                        " 'mentoring', '2026-10-20 03:00:00', 1, 'submitted',"
                        " '2026-11-01 08:00:00', 9)"
                    )
        finally:
            upgrade()
        rows = db.session.execute(
            select(ContactRevision.officer_id, Contact.officer_id).join(ContactRevision.contact)
        ).all()
        assert sorted(rows) == [(1, 1), (2, 2)]
