"""public feedback (principle 9): feedback, its answers, and the per-address rate limit

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 16:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade():
    op.create_table(
        "feedback_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_posts")),
    )
    with op.batch_alter_table("feedback_posts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_feedback_posts_address_key_at", ["address_key", "at"], unique=False
        )

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column(
            "category",
            _enum(
                "praise", "concern", "interaction_complaint", "suggestion", name="feedback_category"
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reply_to", sa.String(length=254), nullable=True),
        sa.Column("possible_name", sa.Boolean(), nullable=False),
        sa.Column(
            "status", _enum("new", "answered", "resolved", name="feedback_status"), nullable=False
        ),
        sa.Column("first_answered_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_feedback_resolved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_feedback_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_received_at"), ["received_at"], unique=False)
        batch_op.create_index(
            "ix_feedback_status_received_at", ["status", "received_at"], unique=False
        )

    op.create_table(
        "feedback_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "way",
            _enum(
                "mailed_here",
                "email",
                "phone",
                "letter",
                "in_person",
                "not_sent",
                name="answer_way",
            ),
            nullable=False,
        ),
        sa.Column("answered_by_id", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_feedback_answers_answered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["feedback_id"], ["feedback.id"], name=op.f("fk_feedback_answers_feedback_id_feedback")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_answers")),
    )
    with op.batch_alter_table("feedback_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_answers_feedback_id"), ["feedback_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("feedback_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_answers_feedback_id"))
    op.drop_table("feedback_answers")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_status_received_at")
        batch_op.drop_index(batch_op.f("ix_feedback_received_at"))
    op.drop_table("feedback")
    with op.batch_alter_table("feedback_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_posts_address_key_at")
    op.drop_table("feedback_posts")
