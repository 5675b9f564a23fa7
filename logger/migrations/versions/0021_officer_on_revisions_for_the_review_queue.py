"""officer_id on revisions: the review queue reads only the supervisor's team's entries

Each revision gets its contact's officer (back-filled from contacts), and an
index leading with status and officer, in the queue's order, holding what the
queue's counts group by (issue 15).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-09 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contact_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("officer_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE contact_revisions SET officer_id = (SELECT contacts.officer_id FROM contacts "
        "WHERE contacts.id = contact_revisions.contact_id)"
    )
    with op.batch_alter_table("contact_revisions", schema=None) as batch_op:
        batch_op.alter_column("officer_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(
            "ix_contact_revisions_officer_queue",
            [
                "status",
                "officer_id",
                "concern",
                "received_at",
                "id",
                "contact_id",
                "number",
                "school_id",
                "classification",
            ],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("contact_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_revisions_officer_queue")
        batch_op.drop_column("officer_id")
