"""plan stopped: a patrol plan records when it stopped, so past weeks keep counting it

Revision ID: 0021_plan_stopped
Revises: 0020_rating_asked
Create Date: 2026-12-07 10:30:00

`patrol_plans.stopped_at` is set when a plan is stopped and cleared when it is saved again;
the coverage of a week counts the plans in force in it. A plan stopped before this step gets
the time of its last "patrol_plan.stopped" audit entry, or, where the log has none, the time
of the upgrade: its weeks since then, when it was already stopped, count it as in force.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0021_plan_stopped"
down_revision = "0020_rating_asked"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("patrol_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True))
    plans = sa.table(
        "patrol_plans",
        sa.column("id", sa.Integer),
        sa.column("active", sa.Boolean),
        sa.column("stopped_at", sa.DateTime(timezone=True)),
    )
    audit = sa.table(
        "audit_logs",
        sa.column("action", sa.String),
        sa.column("target_type", sa.String),
        sa.column("target_id", sa.String),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    last_stop = (
        sa.select(sa.func.max(audit.c.at))
        .where(
            audit.c.action == "patrol_plan.stopped",
            audit.c.target_type == "PatrolPlan",
            audit.c.target_id == sa.cast(plans.c.id, sa.String),
        )
        .scalar_subquery()
    )
    now = sa.literal(datetime.now(UTC), sa.DateTime(timezone=True))
    op.execute(
        plans.update()
        .where(plans.c.active == sa.false())
        .values(stopped_at=sa.func.coalesce(last_stop, now))
    )


def downgrade():
    with op.batch_alter_table("patrol_plans", schema=None) as batch_op:
        batch_op.drop_column("stopped_at")
