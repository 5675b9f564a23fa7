"""enrollment: students per school, school year and group, the assessment's denominators
(issue 13)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "enrollment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("student_group", sa.String(length=40), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("students >= 0", name=op.f("ck_enrollment_students_not_negative")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_enrollment_school_id_schools")
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_enrollment_imported_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollment")),
        sa.UniqueConstraint(
            "school_id", "school_year", "student_group", name=op.f("uq_enrollment_school_id")
        ),
    )


def downgrade():
    op.drop_table("enrollment")
