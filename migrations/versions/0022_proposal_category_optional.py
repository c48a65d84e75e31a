"""proposal category optional: a draft keeps "no category chosen yet"

Revision ID: 0022_proposal_category_optional
Revises: 0021_plan_stopped
Create Date: 2026-12-08 09:00:00

A draft saved without a category used to be stored as "other", which the proposer had never
chosen; `proposals.category` may now be NULL (a draft only: sending in needs a category).
Rows keep their category. Going back, a draft without one becomes "other" again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_proposal_category_optional"
down_revision = "0021_plan_stopped"
branch_labels = None
depends_on = None

# Stored as its value (a VARCHAR without a CHECK, as str_enum makes it).
CATEGORY = sa.String(length=20)

def upgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.alter_column("category", existing_type=CATEGORY, nullable=True)


def downgrade():
    proposals = sa.table("proposals", sa.column("category", sa.String))
    op.execute(proposals.update().where(proposals.c.category.is_(None)).values(category="other"))
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.alter_column("category", existing_type=CATEGORY, nullable=False)
