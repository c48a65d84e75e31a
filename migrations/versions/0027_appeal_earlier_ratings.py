"""appeal earlier ratings: a member's rating of an answer is kept when the union answers again

Revision ID: 0027_appeal_earlier_ratings
Revises: 0026_first_version_note
Create Date: 2026-12-10 10:00:00

A reopened appeal's new answer cleared the member's rating of the earlier one, and with it
the record that they were not satisfied and why. `appeal_earlier_ratings` now keeps each
earlier answer's rating, numbered by the answer it rated, and `appeals.rated_at` the time a
named appeal's current answer was rated (None for anonymous ones, as before).

Every rating stored today is the rating of its appeal's current answer and stays on the
appeal, where the figures read it: nothing is copied, and nothing is lost. The ratings that
earlier answers had were cleared before this step and cannot be brought back; a rating
stored today gets no time (it was not kept). Going back drops the earlier ratings, as the
app before this step would have.
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_appeal_earlier_ratings"
down_revision = "0026_first_version_note"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "appeal_earlier_ratings",
        sa.Column("appeal_key", sa.String(length=32), nullable=False),
        sa.Column("answer_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "rating",
            sa.Enum(
                "satisfied",
                "partly",
                "unsatisfied",
                name="appealrating",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appeal_key"],
            ["appeals.key"],
            name=op.f("fk_appeal_earlier_ratings_appeal_key_appeals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("appeal_key", "answer_no", name=op.f("pk_appeal_earlier_ratings")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_column("rated_at")
    op.drop_table("appeal_earlier_ratings")
