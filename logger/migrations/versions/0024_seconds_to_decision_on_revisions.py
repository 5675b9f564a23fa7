"""seconds_to_decision on revisions: a year's review turnaround read from revisions alone

Each revision a supervisor approved or returned keeps how long it waited for that
decision: seconds from its receipt, to the nearest, never below 0, as
workflow.seconds_to_decision has it (NULL until decided; a revision is decided at
most once, migration 0006). The assessment's turnaround figures (the
median, the 90th percentile, the bands) and its waiting counts then read one
index of revisions by when they happened, instead of joining each of the
year's decisions to its revision (issue 15). Back-filled from review_decisions.
The index of revisions by when they happened now carries what the year's review
reads; a second index, of decided revisions by their wait, finds a percentile's
value among the few revisions of one hour of waiting.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 23:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

OCCURRED = "ix_contact_revisions_occurred"
BY_WAIT = "ix_contact_revisions_by_wait"
DECIDED = "seconds_to_decision IS NOT NULL"
WAIT = {  # seconds from receipt to decision, to the nearest, never below 0, by dialect
    "postgresql": "GREATEST(round(EXTRACT(EPOCH FROM (d.decided_at - {table}.received_at))), 0)",
    "sqlite": "max(CAST(round((julianday(d.decided_at) - julianday({table}.received_at))"
    " * 86400) AS INTEGER), 0)",
}


def upgrade():
    op.add_column("contact_revisions", sa.Column("seconds_to_decision", sa.Integer()))
    wait = WAIT[op.get_bind().dialect.name].format(table="contact_revisions")
    decided = (
        "FROM review_decisions d WHERE d.contact_id = contact_revisions.contact_id"
        " AND d.revision = contact_revisions.number) WHERE status != 'submitted'"
    )
    # B608: the SQL is built from this module's constants only, never from input.
    op.execute(f"UPDATE contact_revisions SET seconds_to_decision = (SELECT {wait} {decided}")  # nosec B608
    _occurred_index(
        ["occurred_at", "status", "is_current", "seconds_to_decision", "received_at", "contact_id"]
    )
    op.create_index(
        BY_WAIT,
        "contact_revisions",
        ["seconds_to_decision", "occurred_at"],
        postgresql_where=sa.text(DECIDED),
        sqlite_where=sa.text(DECIDED),
    )


def downgrade():
    op.drop_index(BY_WAIT, "contact_revisions")
    _occurred_index(["occurred_at", "contact_id", "number", "status", "received_at"])
    op.drop_column("contact_revisions", "seconds_to_decision")


def _occurred_index(columns: list[str]) -> None:
    op.drop_index(OCCURRED, "contact_revisions")
    op.create_index(OCCURRED, "contact_revisions", columns)
