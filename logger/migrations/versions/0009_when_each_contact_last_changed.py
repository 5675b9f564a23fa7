"""updated_at on contacts, for the sync API's cursor

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:00:00

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The contacts table's columns with updated_at, as they were when this migration was written.
CONTACT_COLUMNS = "id, officer_id, current_revision, created_at, updated_at"

# A contact last changed at its latest revision or decision (its first arrival if it has neither).
FROM_REVISIONS = sa.text(
    "UPDATE contacts SET updated_at = COALESCE("
    "(SELECT MAX(received_at) FROM contact_revisions WHERE contact_id = contacts.id), created_at)"
)
FROM_DECISIONS = sa.text(
    "UPDATE contacts SET updated_at = "
    "(SELECT MAX(decided_at) FROM review_decisions WHERE contact_id = contacts.id) "
    "WHERE EXISTS (SELECT 1 FROM review_decisions "
    "WHERE contact_id = contacts.id AND decided_at > contacts.updated_at)"
)


@contextmanager
def _rows_set_aside_on_sqlite(columns):
    """Let SQLite rebuild contacts (batch mode) while revisions and decisions point at its rows.

    With foreign keys on, SQLite refuses to drop a table that other rows reference.
    The rows wait in a temporary table while the empty table is rebuilt, then come
    back; the references are checked once, at commit, against the same rows.
    """
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    op.execute("PRAGMA defer_foreign_keys=ON")  # until this transaction commits
    # {columns} is the model's own list of column names, never input (bandit B608).
    op.execute(f"CREATE TEMP TABLE contacts_set_aside AS SELECT {columns} FROM contacts")  # nosec B608
    op.execute("DELETE FROM contacts")
    yield
    op.execute(f"INSERT INTO contacts ({columns}) SELECT {columns} FROM contacts_set_aside")  # nosec B608
    op.execute("DROP TABLE contacts_set_aside")


def upgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    op.execute(FROM_REVISIONS)
    op.execute(FROM_DECISIONS)
    with _rows_set_aside_on_sqlite(CONTACT_COLUMNS):
        with op.batch_alter_table("contacts", schema=None) as batch_op:
            batch_op.alter_column("updated_at", existing_type=sa.DateTime(), nullable=False)
            batch_op.create_index(
                "ix_contacts_officer_updated_at", ["officer_id", "updated_at", "id"], unique=False
            )


def downgrade():
    with _rows_set_aside_on_sqlite(CONTACT_COLUMNS.removesuffix(", updated_at")):
        with op.batch_alter_table("contacts", schema=None) as batch_op:
            batch_op.drop_index("ix_contacts_officer_updated_at")
            batch_op.drop_column("updated_at")
