"""program records (issue 13): community input, MOUs, selection, training, outreach, practice

The evidence of COPS principles 1, 2, 5, 8, 9 and 12, which are not single contacts.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TOPICS = (
    "adolescent_development",
    "de_escalation",
    "implicit_bias",
    "disabilities_special_education",
    "trauma_informed_practice",
    "student_privacy_search_law",
    "restorative_practices",
)
KINDS = ("peer_network_meeting", "conference", "mentoring", "other")
HOURS = sa.Numeric(precision=6, scale=2, asdecimal=False)
DATED = {
    "community_input_sessions": "held_on",
    "mous": "expires_on",
    "officer_trainings": "completed_on",
    "staff_trainings": "held_on",
    "outreach_events": "held_on",
    "practice_activities": "held_on",
}


def _enum(values, name):
    return sa.Enum(
        *values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values))
    )


def _id():
    return sa.Column("id", sa.Integer(), nullable=False)


def _pk(table):
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _fk(table, column, referred):
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}")
    )


def upgrade():
    op.create_table(
        "community_input_sessions",
        _id(),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("audience", sa.String(length=200), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        _pk("community_input_sessions"),
    )
    op.create_table(
        "mous",
        _id(),
        sa.Column("parties", sa.Text(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=500), nullable=True),
        _pk("mous"),
    )
    op.create_table(
        "officer_selections",
        _id(),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("selected_on", sa.Date(), nullable=False),
        sa.Column("staff_on_panel", sa.Boolean(), nullable=False),
        sa.Column("community_on_panel", sa.Boolean(), nullable=False),
        sa.Column("qualifications", sa.Text(), nullable=False),
        _fk("officer_selections", "officer_id", "users"),
        _pk("officer_selections"),
        sa.UniqueConstraint("officer_id", name=op.f("uq_officer_selections_officer_id")),
    )
    op.create_table(
        "officer_trainings",
        _id(),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("course", sa.String(length=200), nullable=False),
        sa.Column("hours", HOURS, nullable=False),
        sa.Column("topic", _enum(TOPICS, "training_topic"), nullable=False),
        _fk("officer_trainings", "officer_id", "users"),
        _pk("officer_trainings"),
    )
    op.create_table(
        "staff_trainings",
        _id(),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("staff_trained", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        _fk("staff_trainings", "school_id", "schools"),
        _pk("staff_trainings"),
    )
    op.create_table(
        "outreach_events",
        _id(),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=200), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        _fk("outreach_events", "school_id", "schools"),
        _pk("outreach_events"),
    )
    op.create_table(
        "practice_activities",
        _id(),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", _enum(KINDS, "practice_kind"), nullable=False),
        sa.Column("hours", HOURS, nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        _pk("practice_activities"),
    )
    op.create_table(
        "practice_participants",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["practice_activities.id"],
            ondelete="CASCADE",
            name=op.f("fk_practice_participants_activity_id_practice_activities"),
        ),
        _fk("practice_participants", "officer_id", "users"),
        sa.PrimaryKeyConstraint("activity_id", "officer_id", name=op.f("pk_practice_participants")),
    )
    for table, column in (
        *DATED.items(),
        ("officer_trainings", "officer_id"),
        ("practice_participants", "officer_id"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def downgrade():
    for table in (
        "practice_participants",
        "practice_activities",
        "outreach_events",
        "staff_trainings",
        "officer_trainings",
        "officer_selections",
        "mous",
        "community_input_sessions",
    ):
        op.drop_table(table)
