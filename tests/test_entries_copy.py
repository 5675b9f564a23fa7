"""On PostgreSQL the entries CSV and JSON Lines are written by the database itself (COPY):
the CSV must be, byte for byte, the CSV the app builds in Python from the same rows, and
each JSON line the same object with its keys in the same order, for every kind of entry,
every choice of the export and any text an officer may type."""

import csv
import io
import json
import uuid
from datetime import UTC, date, datetime

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logger import rules
from logger.core.models import User
from logger.evaluation import entries_copy, exports
from logger.extensions import db
from logger.officer import entries
from logger.review import workflow
from tests.factories import (
    arrest_entry,
    forget_entries,
    make_contact,
    make_school,
    make_user,
    mentoring_entry,
)

TRICKY = '=SUM(A1), "quoted"; a tab\there, a back\\slash \\N,\na new line — café 🚓'


@pytest.fixture
def team(app):
    with app.app_context():
        if not entries_copy.available():
            pytest.skip("the database writes the exports itself on PostgreSQL only")
        lincoln = make_school("LHS", "Lincoln High School")
        adams = make_school("+AMS", "Adams Middle School")  # a code a spreadsheet would run
        park = make_user("sgt.park", "supervisor")
        make_user("ofc.ruiz", schools=[lincoln, adams], supervisor=park)
        make_user("-ofc.chen", schools=[lincoln, adams], supervisor=park)
        db.session.commit()
        yield {"lincoln": lincoln.id, "adams": adams.id}


def user(username: str) -> User:
    return db.session.scalar(db.select(User).filter_by(username=username))


def decide(contact_id, revision: int, decision: str) -> None:
    comment = "Fix the times." if decision == "return" else "Reviewed."
    workflow.decide(
        user("sgt.park"),
        contact_id,
        revision,
        decision,
        comment,
        decided_at=datetime.now(UTC),
        client_addr=None,
    )
    db.session.commit()


def amend(contact, entry: dict) -> None:
    officer = user("ofc.ruiz")
    verdict = entries.check(officer, entry, now=datetime.now(UTC))
    assert verdict.ok, verdict.errors
    saved = entries.save(
        officer,
        contact.id,
        verdict,
        received_at=datetime.now(UTC),
        client_addr=None,
        base_revision=contact.current_revision,
        amendment_explanation="The hold was physical control, not a takedown.",
    )
    assert saved.status == "accepted"
    db.session.commit()


def restraint_entry(school_id: int, kinds: list[str], **changes) -> dict:
    entry = arrest_entry(
        school_id,
        actions=["restraint", "use_of_force", "search", "detention"],
        force_types=["takedown", "physical_control"],
        **changes,
    )
    entry["justification"].update(injuries="student_minor", supervisor_notified=True)
    entry.update(restraint_types=kinds, search_found=["weapon", "drugs"])
    return entry


def both_ways(choice: exports.Choice, export_format: str = "csv") -> tuple[bytes, bytes]:
    """(the database's export, the one Python builds from exports.rows())."""
    by_database = io.BytesIO()
    exports.write_text(choice, export_format, by_database)
    by_python = "".join(text for _, text in exports._text_lines(choice, export_format))
    return by_database.getvalue(), by_python.encode("utf-8")


def objects(json_lines: bytes) -> list[list[tuple]]:
    """Each line's object as its (key, value) pairs, in the order written."""
    assert json_lines == b"" or json_lines.endswith(b"\n")
    return [list(json.loads(line).items()) for line in json_lines.decode("utf-8").splitlines()]


def sqlite_tables(path) -> dict[str, list[dict]]:
    """Every table of a SQLite export, its rows in the order stored, with their types."""
    database = sqlite_utils.Database(path)
    return {
        table: [
            {name: (type(value).__name__, value) for name, value in row.items()}
            for row in database[table].rows
        ]
        for table in database.table_names()
    }


def assert_the_same_both_ways(choice: exports.Choice, folder) -> None:
    by_database, by_python = both_ways(choice)
    assert by_database == by_python, choice
    by_database, by_python = both_ways(choice, "jsonl")
    assert objects(by_database) == objects(by_python), choice
    exports.write_sqlite(choice, folder / "by_database.db")
    exports._write_database(choice, folder / "by_python.db", exports._write_entries)
    by_database = sqlite_tables(folder / "by_database.db")
    assert by_database == sqlite_tables(folder / "by_python.db"), choice
    assert by_database["entries"] or not by_python.strip(), "no entries where some were made"


def test_every_kind_of_entry_and_choice_gives_the_same_export_both_ways(app, team, tmp_path):
    with app.app_context():
        lhs, ams = team["lincoln"], team["adams"]
        ruiz, chen = user("ofc.ruiz"), user("-ofc.chen")
        approved = [
            make_contact(ruiz, arrest_entry(lhs, narrative=TRICKY)),
            make_contact(ruiz, restraint_entry(lhs, ["physical", "mechanical_handcuffs"])),
            make_contact(ruiz, restraint_entry(ams, ["seclusion"], initiated_by="officer")),
            make_contact(chen, mentoring_entry(lhs, narrative="@home visit", students_involved=3)),
            make_contact(
                ruiz,
                mentoring_entry(
                    ams,
                    classification="disciplinary",
                    school_rule="disruption",
                    involvement_reason=TRICKY,
                    duration_minutes=15,
                    actions=["verbal_warning", "parent_contacted"],
                ),
            ),
            make_contact(ruiz, arrest_entry(lhs), version=1),  # before data dictionary v2
        ]
        for contact in approved:
            decide(contact.id, 1, "approve")
        amend(approved[1], restraint_entry(lhs, ["physical"]))  # the record beside revision 2
        returned = make_contact(chen, arrest_entry(ams, narrative="Returned, then fixed."))
        decide(returned.id, 1, "return")
        make_contact(ruiz, mentoring_entry(lhs, narrative="Still waiting."))

        choices = [
            exports.Choice(status=status, narratives=narratives, names=names)
            for status in exports.STATUSES
            for narratives in (False, True)
            for names in (False, True)
        ] + [
            exports.Choice(school_id=ams, narratives=True),
            exports.Choice(flag="arrest", status="all"),
            exports.Choice(classification="mentoring", officer_id=chen.id),
            exports.Choice(date_from=date.today(), date_to=date.today()),
            exports.Choice(date_from=date(2001, 1, 1), date_to=date(2001, 1, 2)),  # nothing
        ]
        for choice in choices:
            assert_the_same_both_ways(choice, tmp_path)
        rows = list(
            csv.DictReader(
                io.StringIO(both_ways(exports.Choice(narratives=True))[0].decode(), newline="")
            )
        )
        assert len(rows) == len(approved)
        assert {row["school"] for row in rows} == {"LHS", "'+AMS"}
        assert TRICKY.replace("=", "'=", 1) in {row["narrative"] for row in rows}


ENTRY_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
    | st.sampled_from("\t\r\n\",'=+-@\\"),
    min_size=30,
    max_size=80,
).filter(rules.is_clean_text)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    narrative=ENTRY_TEXT,
    basis=ENTRY_TEXT,
    kinds=st.lists(
        st.sampled_from(rules.FIELDS_BY_NAME["restraint_types"].choices), min_size=1, unique=True
    ),
    referrals=st.sampled_from([["juvenile_court"], ["adult_court", "diversion_program"], ["none"]]),
)
def test_any_text_and_choices_give_the_same_export_both_ways(
    app, team, tmp_path_factory, narrative, basis, kinds, referrals
):
    with app.app_context():
        forget_entries()
        entry = restraint_entry(
            team["lincoln"], kinds, narrative=narrative, outcome_referrals=referrals
        )
        entry["justification"]["basis"] = basis
        contact = make_contact(user("ofc.ruiz"), entry)
        decide(contact.id, 1, "approve")
        assert_the_same_both_ways(exports.Choice(narratives=True), tmp_path_factory.mktemp("x"))
        by_database, _ = both_ways(exports.Choice(narratives=True))
        [row] = csv.DictReader(io.StringIO(by_database.decode(), newline=""))
        assert row["entry_id"] == str(contact.id) and uuid.UUID(row["entry_id"])
