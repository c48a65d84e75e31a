"""plan periods: what a patrol plan asked before it was stopped or given other days

Revision ID: 0023_plan_periods
Revises: 0022_proposal_category_optional
Create Date: 2026-12-07 10:00:00

A plan saved again after a stop, or with other weekdays, keeps what it asked until then in
`patrol_plan_periods`, so the weeks gone by are judged as they were planned. `active` goes:
a plan is in force while `stopped_at` is empty. Plans stopped and saved again before this
step had already forgotten their earlier periods; there is nothing to recover them from.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_plan_periods"
down_revision = "0022_proposal_category_optional"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("patrol_plans", schema=None) as batch_op:
        batch_op.drop_column("active")
    op.create_table(
        "patrol_plan_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.String(length=7), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["patrol_plans.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("patrol_plan_periods", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patrol_plan_periods_plan_id"), ["plan_id"], unique=False
        )

def downgrade():
    with op.batch_alter_table("patrol_plans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    plans = sa.table(
        "patrol_plans",
        sa.column("active", sa.Boolean),
        sa.column("stopped_at", sa.DateTime(timezone=True)),
    )
    op.execute(plans.update().where(plans.c.stopped_at.is_not(None)).values(active=False))
    with op.batch_alter_table("patrol_plan_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patrol_plan_periods_plan_id"))
    op.drop_table("patrol_plan_periods")
