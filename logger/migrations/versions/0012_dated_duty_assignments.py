"""dated duty assignments: assignments.starts_on and ends_on, kept as history

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 11:00:00

An assignment made before dates were kept starts on the day before the earlier of
when it was made and the officer's first contact at that school (UTC days; a day
early, so a contact late in the district's evening stays covered): every entry
already stored stays valid.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT a.id, a.created_at, (SELECT MIN(r.occurred_at) FROM contact_revisions r "
            "JOIN contacts c ON c.id = r.contact_id "
            "WHERE c.officer_id = a.officer_id AND r.school_id = a.school_id) "
            "FROM assignments a"
        )
    ).all()
    for assignment_id, created_at, first_contact in rows:
        moments = [_moment(value) for value in (created_at, first_contact) if value is not None]
        connection.execute(
            sa.text("UPDATE assignments SET starts_on = :day WHERE id = :id"),
            {"day": min(moments).date() - timedelta(days=1), "id": assignment_id},
        )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.alter_column("starts_on", existing_type=sa.Date(), nullable=False)
        batch_op.drop_constraint("uq_assignments_officer_id", type_="unique")


def downgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_assignments_officer_id", ["officer_id", "school_id"])
        batch_op.drop_column("ends_on")
        batch_op.drop_column("starts_on")


def _moment(value):
    """A stored time as a datetime (SQLite hands back text)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value
