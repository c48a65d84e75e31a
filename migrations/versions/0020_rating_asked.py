"""rating asked: the one-tap rating is asked for after the activity, once per participant

Revision ID: 0020_rating_asked
Revises: 0019_flat_covers
Create Date: 2026-12-07 10:00:00

`participations.rating_asked_at` records when the inbox asked a person to rate an activity.
Until now the request went out at check-in, so everyone already checked in has been asked:
they are marked asked at their check-in time and get no second request.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_rating_asked"
down_revision = "0019_flat_covers"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rating_asked_at", sa.DateTime(timezone=True), nullable=True))
    participations = sa.table(
        "participations",
        sa.column("checked_in_at", sa.DateTime(timezone=True)),
        sa.column("rating_asked_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        participations.update()
        .where(participations.c.checked_in_at.is_not(None))
        .values(rating_asked_at=participations.c.checked_in_at)
    )


def downgrade():
    with op.batch_alter_table("participations", schema=None) as batch_op:
        batch_op.drop_column("rating_asked_at")
