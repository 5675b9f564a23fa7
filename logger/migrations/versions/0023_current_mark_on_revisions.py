"""is_current on revisions: the review queue reads a team's waiting entries from one index

Each revision is marked when it is its contact's current revision (the one the
officer and the review queue see). A later revision clears the mark of the one
before, so a superseded revision that is still "submitted" no longer needs a
join to contacts to be left out of the queue (issue 15). The column is added as
true, which every newly stored revision is, so adding it rewrites nothing; the
back-fill clears only the superseded revisions. The queue's index leads with
status and the mark.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

QUEUE_COLUMNS = [
    "concern",
    "received_at",
    "id",
    "contact_id",
    "number",
    "school_id",
    "classification",
]


def upgrade():
    # Added in place, never by copying the table: SQLite does so only for a constant default,
    # and '1' is true to both databases.
    op.add_column(
        "contact_revisions",
        sa.Column("is_current", sa.Boolean(), server_default="1", nullable=False),
    )
    op.execute(
        "UPDATE contact_revisions SET is_current = false WHERE number <"
        " (SELECT contacts.current_revision FROM contacts"
        " WHERE contacts.id = contact_revisions.contact_id)"
    )
    _queue_index(["status", "is_current", "officer_id", *QUEUE_COLUMNS])


def downgrade():
    _queue_index(["status", "officer_id", *QUEUE_COLUMNS])
    op.drop_column("contact_revisions", "is_current")


def _queue_index(columns: list[str]) -> None:
    with op.batch_alter_table("contact_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_revisions_officer_queue")
        batch_op.create_index("ix_contact_revisions_officer_queue", columns, unique=False)
