"""audit_events by action and time: the assessment's look for the public summary's last change

The assessment asks whether the public summary was open during the year: the
last publish or withdraw before the year began. With one index by action and
one by time, SQLite walked the index by time back through every event before
the year (most of the audit trail) to find none; PostgreSQL read every event of
those actions. One index by (action, at) finds them among their own action's
events; it also serves every lookup by action alone, so it replaces that index
(issue 15).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 16:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_events_action_at", "audit_events", ["action", "at"])
    op.drop_index("ix_audit_events_action", table_name="audit_events")


def downgrade():
    op.create_index("ix_audit_events_action", "audit_events", ["action"])
    op.drop_index("ix_audit_events_action_at", table_name="audit_events")
