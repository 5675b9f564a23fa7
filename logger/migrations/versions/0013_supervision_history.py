"""supervisions: who supervised each officer, from when to when

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 11:00:00

Each officer's current supervisor starts a history row from when the officer's
account was opened (the earliest the data can say).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "supervisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_supervisions_officer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["users.id"], name=op.f("fk_supervisions_supervisor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisions")),
    )
    with op.batch_alter_table("supervisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervisions_officer_id"), ["officer_id"], unique=False
        )
    op.execute(
        "INSERT INTO supervisions (officer_id, supervisor_id, started_at) "
        "SELECT id, supervisor_id, created_at FROM users WHERE supervisor_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("supervisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisions_officer_id"))
    op.drop_table("supervisions")
