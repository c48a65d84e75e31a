"""survey announced: when a survey's people were told in their inbox that it is open

Revision ID: 0030_survey_announced
Revises: 0029_care_privacy
Create Date: 2026-12-13 10:00:00

A new survey showed only as a home card: no one was told in the inbox. Each survey now keeps
when its people were told (once, when it opens: at once for a survey open on saving, by the
surveys' job for one that opens later). Surveys stored before are left untold: a survey still
open is announced at the job's next run to those who have not answered it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0030_survey_announced"
down_revision = "0029_care_privacy"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announced_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_column("announced_at")
