"""The migrations are the schema: one head, and they match the models exactly."""

import json
from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

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


def _school_and_officers(run, officer_ids) -> None:
    """School 1 and an officer for each id, stored by SQL as an older schema holds them."""
    run("INSERT INTO schools (id, code, name, level) VALUES (1, 'LHS', 'L', 'high')")
    for user_id in officer_ids:
        run(
            "INSERT INTO users (id, username, password_hash, role, active, session_version,"
            f" created_at) VALUES ({user_id}, 'ofc.{user_id}', 'x', 'officer', true, 0,"
            " '2026-11-01 08:00:00')"
        )


def test_0021_gives_each_stored_revision_its_contacts_officer(app):
    """The review queue finds a team's entries by the revisions' officer: 0021 back-fills it."""
    with app.app_context():
        downgrade(revision="0020")
        try:
            with db.engine.begin() as connection:
                run = connection.exec_driver_sql
                _school_and_officers(run, officer_ids=(1, 2))
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


def test_0022_marks_each_record_and_derives_the_facts_of_stored_revisions(app):
    """An amended entry whose amendment was approved has revision 2 as its record; a waiting
    entry has none; facts, choices and students come from the stored content, by the rules."""
    arrest = {
        "classification": "criminal",
        "actions": ["search", "arrest"],
        "students_involved": 2,
        "students": [
            {"grade_band": "high", "perceived_race": ["black", "white"], "perceived_gender": "male"}
        ],
        "justification": {"alternatives_tried": ["verbal_deescalation"]},
    }
    with app.app_context():
        downgrade(revision="0021")
        try:
            with db.engine.begin() as connection:
                run = connection.exec_driver_sql
                _school_and_officers(run, officer_ids=(1,))
                stored = [(1, 1, "approved"), (1, 2, "approved"), (1, 3, "submitted")]
                stored += [(2, 1, "submitted")]
                for contact, revisions in ((1, 3), (2, 1)):
                    run(
                        "INSERT INTO contacts (id, officer_id, current_revision, created_at,"
                        f" updated_at) VALUES ('0000000000004000800000000000000{contact}', 1,"
                        f" {revisions}, '2026-11-01 08:00:00', '2026-11-01 08:00:00')"
                    )
                for contact, number, status in stored:
                    connection.execute(
                        text(
                            "INSERT INTO contact_revisions (contact_id, number, officer_id,"
                            " content, classification, occurred_at, school_id, status,"
                            " received_at, concern, dictionary_version) VALUES (:contact,"
                            " :number, 1, :content, 'criminal', '2026-10-20 03:00:00', 1,"
                            " :status, '2026-11-01 08:00:00', 9, 1)"
                        ),
                        {
                            "contact": f"0000000000004000800000000000000{contact}",
                            "number": number,
                            "content": json.dumps(arrest),
                            "status": status,
                        },
                    )
        finally:
            upgrade()
        revisions = db.session.scalars(
            select(ContactRevision).order_by(ContactRevision.contact_id, ContactRevision.number)
        ).all()
        assert [(r.number, r.is_record) for r in revisions] == [
            (1, False),
            (2, True),
            (3, False),
            (1, False),
        ]
        amended = revisions[1]
        assert (amended.enforcement, amended.action_arrest, amended.action_search) == (
            True,
            True,
            True,
        )
        assert (amended.action_use_of_force, amended.students_involved) == (False, 2)
        assert amended.justified is False  # the justification lacks its facts
        assert amended.crdc_arrest is None  # v1 never asked the setting
        assert [(c.field, c.choice) for c in amended.choice_rows] == [
            ("justification.alternatives_tried", "verbal_deescalation")
        ]
        [student] = amended.student_rows
        assert (student.race, student.gender, student.grade_band, student.disability) == (
            "two_or_more",
            "male",
            "high",
            None,
        )


def test_0023_marks_each_contacts_current_revision_and_only_it(app):
    """An entry edited while it waited has two "submitted" revisions: 0023 marks only its
    latest as current, and the one of an entry never edited."""
    with app.app_context():
        downgrade(revision="0022")
        try:
            with db.engine.begin() as connection:
                run = connection.exec_driver_sql
                _school_and_officers(run, officer_ids=(1,))
                for contact, revisions in ((1, 2), (2, 1)):
                    run(
                        "INSERT INTO contacts (id, officer_id, current_revision, created_at,"
                        f" updated_at) VALUES ('0000000000004000800000000000000{contact}', 1,"
                        f" {revisions}, '2026-11-01 08:00:00', '2026-11-01 08:00:00')"
                    )
                for contact, number in ((1, 1), (1, 2), (2, 1)):
                    run(
                        "INSERT INTO contact_revisions (contact_id, number, officer_id, content,"
                        " classification, occurred_at, school_id, status, received_at, concern)"
                        f" VALUES ('0000000000004000800000000000000{contact}', {number}, 1,"
                        " '{}', 'mentoring', '2026-10-20 03:00:00', 1, 'submitted',"
                        " '2026-11-01 08:00:00', 9)"
                    )
        finally:
            upgrade()
        marks = db.session.execute(
            select(ContactRevision.number, ContactRevision.is_current).order_by(
                ContactRevision.contact_id, ContactRevision.number
            )
        ).all()
        assert [tuple(mark) for mark in marks] == [(1, False), (2, True), (1, True)]


def test_0024_keeps_each_decided_revisions_wait_and_none_for_a_waiting_one(app):
    """The review turnaround reads each revision's wait: 0024 back-fills it from the decisions,
    to the nearest second, a decision stamped before the receipt (a clock set back) as none."""
    decided = {  # revision: (status, decided_at), all received at 08:00
        1: ("returned", "2026-11-01 09:30:00.400000"),
        2: ("approved", "2026-11-02 04:00:00.600000"),
        3: ("returned", "2026-11-01 07:59:00"),
    }
    with app.app_context():
        downgrade(revision="0023")
        try:
            with db.engine.begin() as connection:
                run = connection.exec_driver_sql
                _school_and_officers(run, officer_ids=(1, 2))
                run(
                    "INSERT INTO contacts (id, officer_id, current_revision, created_at,"
                    " updated_at) VALUES ('00000000000040008000000000000001', 1, 4,"
                    " '2026-11-01 08:00:00', '2026-11-01 08:00:00')"
                )
                for number in (1, 2, 3, 4):
                    status = decided[number][0] if number in decided else "submitted"
                    run(
                        "INSERT INTO contact_revisions (contact_id, number, officer_id, content,"
                        " classification, occurred_at, school_id, status, received_at, concern)"
                        f" VALUES ('00000000000040008000000000000001', {number}, 1, '{{}}',"
                        f" 'mentoring', '2026-10-20 03:00:00', 1, '{status}',"
                        " '2026-11-01 08:00:00', 9)"
                    )
                for number, (status, at) in decided.items():
                    decision = "approve" if status == "approved" else "return"
                    run(
                        "INSERT INTO review_decisions (contact_id, revision, reviewer_id,"
                        " decision, comment, decided_at) VALUES"
                        f" ('00000000000040008000000000000001', {number}, 2, '{decision}',"
                        f" 'Checked.', '{at}')"
                    )
        finally:
            upgrade()
        waits = db.session.execute(
            select(ContactRevision.number, ContactRevision.seconds_to_decision).order_by(
                ContactRevision.number
            )
        ).all()
        assert [tuple(wait) for wait in waits] == [(1, 5400), (2, 72001), (3, 0), (4, None)]
