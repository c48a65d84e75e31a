"""proposal category optional: a draft keeps "no category chosen yet"

Revision ID: 0022_proposal_category_optional
Revises: 0021_plan_stopped
Create Date: 2026-12-08 09:00:00

A draft saved without a category used to be stored as "other", which the proposer had never
chosen; `proposals.category` may now be NULL (a draft only: sending in needs a category).
Rows keep their category. Going back, a draft without one becomes "other" again.

SQLite changes a column's NOT NULL by building the table anew and dropping the old one; with
foreign keys on (the app turns them on) that drop deletes the proposals' authors, reviews,
events and photos by cascade, so on SQLite those rows are kept aside and put back.
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0022_proposal_category_optional"
down_revision = "0021_plan_stopped"
branch_labels = None
depends_on = None

# Stored as its value (a VARCHAR without a CHECK, as str_enum makes it).
CATEGORY = sa.String(length=20)

# The tables whose rows belong to a proposal (ON DELETE CASCADE).
CHILDREN = ("proposal_authors", "proposal_reviews", "proposal_events", "proposal_photos")


@contextmanager
def _proposals_altered():
    """`batch_alter_table("proposals")`, keeping the rows of its children on SQLite."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for table in CHILDREN:
            op.execute(f"CREATE TEMP TABLE kept_{table} AS SELECT * FROM {table}")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        yield batch_op
    if sqlite:
        for table in CHILDREN:
            op.execute(f"DELETE FROM {table}")
            op.execute(f"INSERT INTO {table} SELECT * FROM kept_{table}")
            op.execute(f"DROP TABLE kept_{table}")


def upgrade():
    with _proposals_altered() as batch_op:
        batch_op.alter_column("category", existing_type=CATEGORY, nullable=True)


def downgrade():
    proposals = sa.table("proposals", sa.column("category", sa.String))
    op.execute(proposals.update().where(proposals.c.category.is_(None)).values(category="other"))
    with _proposals_altered() as batch_op:
        batch_op.alter_column("category", existing_type=CATEGORY, nullable=False)
