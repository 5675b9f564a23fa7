"""dictionary_version on revisions: the data dictionary each revision was checked under

Revisions stored before data dictionary v2 were checked under v1, so existing
rows get 1; every new revision records the version its verdict used.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 13:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contact_revisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dictionary_version", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade():
    with op.batch_alter_table("contact_revisions", schema=None) as batch_op:
        batch_op.drop_column("dictionary_version")
