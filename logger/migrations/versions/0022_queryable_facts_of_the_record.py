"""queryable facts: each revision's record mark and counted facts, its choices and its students

The assessment, the rates and the public summary add up the record in SQL
instead of reading every entry (issue 15). Each revision gets `is_record` (its
contact's latest approved revision), the one-value facts the rules derive from
its content (rules/facts.py) as columns, and two tables of rows: the choices
of its multiple-choice fields that are counted by choice, and the groups of
each student it describes. All are back-filled from the stored revisions with
the rules of this release; a revision's content never changes, so neither do
its facts.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 12:30:00

"""

import sqlalchemy as sa
from alembic import op

from logger import rules

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

BATCH = 5000
FLAGS = ("enforcement", *rules.ACTION_COLUMNS.values())  # never NULL


def _fact_columns() -> tuple[sa.Column, ...]:
    """The revision's fact columns (new objects at each call: a column joins one table)."""
    return (
        sa.Column("students_involved", sa.Integer(), server_default="0", nullable=False),
        sa.Column("students_described", sa.Integer(), server_default="0", nullable=False),
        *(
            sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)
            for name in FLAGS
        ),
        sa.Column("justified", sa.Boolean(), nullable=True),
        sa.Column("injuries", sa.Text(), nullable=True),
        sa.Column("crdc_referral", sa.Boolean(), nullable=True),
        sa.Column("crdc_arrest", sa.Boolean(), nullable=True),
        sa.Column("restraint_prone", sa.Boolean(), nullable=True),
        sa.Column("search_found_something", sa.Boolean(), nullable=True),
        sa.Column("search_basis", sa.Text(), nullable=True),
        sa.Column("detention_minutes", sa.Integer(), nullable=True),
        sa.Column("parent_notified", sa.Boolean(), nullable=True),
        sa.Column("principal_notified", sa.Boolean(), nullable=True),
    )


def upgrade():
    with op.batch_alter_table("contact_revisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_record", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        for column in _fact_columns():
            batch_op.add_column(column)
    choices = op.create_table(
        "revision_choices",
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("choice", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["revision_id"], ["contact_revisions.id"]),
        sa.PrimaryKeyConstraint("revision_id", "field", "choice"),
    )
    students = op.create_table(
        "revision_students",
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("race", sa.Text(), nullable=True),
        sa.Column("gender", sa.Text(), nullable=True),
        sa.Column("disability", sa.String(length=3), nullable=True),
        sa.Column("limited_english", sa.String(length=3), nullable=True),
        sa.Column("grade_band", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["revision_id"], ["contact_revisions.id"]),
        sa.PrimaryKeyConstraint("revision_id", "position"),
    )
    op.execute(
        "UPDATE contact_revisions SET is_record = true WHERE status = 'approved' AND NOT EXISTS"
        " (SELECT 1 FROM contact_revisions AS later"
        " WHERE later.contact_id = contact_revisions.contact_id"
        " AND later.number > contact_revisions.number AND later.status = 'approved')"
    )
    _back_fill(choices, students)
    op.create_index(
        "ix_contact_revisions_record",
        "contact_revisions",
        ["occurred_at", "school_id", "classification", "officer_id", "dictionary_version", "id"]
        + [column.name for column in _fact_columns()],
        unique=False,
        postgresql_where=sa.text("is_record"),
        sqlite_where=sa.text("is_record"),
    )
    with op.batch_alter_table("contact_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_revisions_occurred_at")
        batch_op.create_index(
            "ix_contact_revisions_occurred",
            ["occurred_at", "contact_id", "number", "status", "received_at"],
            unique=False,
        )


def _back_fill(choices: sa.Table, students: sa.Table) -> None:
    """Every stored revision's facts, by the rules, a batch at a time."""
    connection = op.get_bind()
    names = [column.name for column in _fact_columns()]
    revisions = sa.table(
        "contact_revisions",
        sa.column("id", sa.Integer),
        sa.column("content", sa.JSON),
        sa.column("dictionary_version", sa.Integer),
        *(sa.column(name) for name in names),
    )
    update = (
        revisions.update()
        .where(revisions.c.id == sa.bindparam("revision_id"))
        .values({name: sa.bindparam(f"new_{name}") for name in names})
    )
    last = 0
    while True:
        batch = connection.execute(
            sa.select(revisions.c.id, revisions.c.content, revisions.c.dictionary_version)
            .where(revisions.c.id > last)
            .order_by(revisions.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        facts, choice_rows, student_rows = [], [], []
        for revision_id, content, version in batch:
            derived = rules.revision_facts(content, version)
            facts.append(
                {"revision_id": revision_id, **{f"new_{k}": v for k, v in derived.items()}}
            )
            choice_rows.extend(
                {"revision_id": revision_id, "field": name, "choice": choice}
                for name, choice in rules.choice_rows(content)
            )
            student_rows.extend(
                {"revision_id": revision_id, "position": position, **groups}
                for position, groups in enumerate(rules.student_rows(content))
            )
        connection.execute(update, facts)
        if choice_rows:
            connection.execute(choices.insert(), choice_rows)
        if student_rows:
            connection.execute(students.insert(), student_rows)
        last = batch[-1].id


def downgrade():
    with op.batch_alter_table("contact_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_revisions_occurred")
        batch_op.create_index("ix_contact_revisions_occurred_at", ["occurred_at"], unique=False)
    op.drop_index("ix_contact_revisions_record", table_name="contact_revisions")
    op.drop_table("revision_students")
    op.drop_table("revision_choices")
    with op.batch_alter_table("contact_revisions", schema=None) as batch_op:
        for column in reversed(_fact_columns()):
            batch_op.drop_column(column.name)
        batch_op.drop_column("is_record")
