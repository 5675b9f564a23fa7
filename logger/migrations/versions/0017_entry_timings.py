"""entry timings: how long each new entry took on the phone (issue 12), durations only

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 14:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "entry_timings",
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("template_used", sa.Boolean(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_entry_timings_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_entry_timings_officer_id_users")
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_entry_timings")),
    )
    with op.batch_alter_table("entry_timings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entry_timings_officer_id"), ["officer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_entry_timings_saved_at"), ["saved_at"], unique=False)


def downgrade():
    with op.batch_alter_table("entry_timings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_timings_saved_at"))
        batch_op.drop_index(batch_op.f("ix_entry_timings_officer_id"))
    op.drop_table("entry_timings")
