"""entry templates: the choices an officer repeats, under a name (issue 12)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 14:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "entry_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_entry_templates_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_templates")),
    )
    with op.batch_alter_table("entry_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entry_templates_owner_id"), ["owner_id"], unique=False)


def downgrade():
    with op.batch_alter_table("entry_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_templates_owner_id"))
    op.drop_table("entry_templates")
