"""round eligible voters: a closed evaluation round keeps how many could vote in it

Revision ID: 0024_round_eligible_voters
Revises: 0023_plan_periods
Create Date: 2026-12-08 10:00:00

`evaluation_rounds.eligible_voters` is written when a round closes, so its turnout no longer
moves when delegates or members come and go afterwards (it could read above 100%). No list
of who could vote was kept, so a round that closed before this step gets what can be known:
- a round of a session's delegates: the session's delegates today, with the additions and
  removals that the audit log records since the round closed undone;
- a round of departments: their members today (moves between departments are not logged);
and never fewer than the round's voters' marks or its ballots: everyone who voted could vote.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0024_round_eligible_voters"
down_revision = "0023_plan_periods"
branch_labels = None
depends_on = None

rounds = sa.table(
    "evaluation_rounds",
    sa.column("id", sa.Integer),
    sa.column("session_id", sa.Integer),
    sa.column("electorate", sa.String),
    sa.column("closes_at", sa.DateTime(timezone=True)),
    sa.column("eligible_voters", sa.Integer),
)
round_departments = sa.table(
    "evaluation_round_departments",
    sa.column("round_id", sa.Integer),
    sa.column("department_id", sa.Integer),
)
delegates = sa.table(
    "congress_delegates", sa.column("session_id", sa.Integer), sa.column("user_id", sa.Integer)
)
users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("employee_no", sa.String),
    sa.column("active", sa.Boolean),
    sa.column("department_id", sa.Integer),
)
departments = sa.table(
    "departments", sa.column("id", sa.Integer), sa.column("parent_id", sa.Integer)
)
audit = sa.table(
    "audit_logs",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("target_type", sa.String),
    sa.column("target_id", sa.String),
    sa.column("summary", sa.String),
    sa.column("at", sa.DateTime(timezone=True)),
)
voters = sa.table("evaluation_voters", sa.column("round_id", sa.Integer))
ballots = sa.table("evaluation_ballots", sa.column("round_id", sa.Integer))


def _delegates_at_close(conn, session_id, closed_at) -> int:
    """The employee numbers of the session's delegates as the round closed: today's, with
    what the log records since undone (newest first), counted among the active accounts."""
    numbers = set(
        conn.scalars(
            sa.select(users.c.employee_no)
            .join(delegates, delegates.c.user_id == users.c.id)
            .where(delegates.c.session_id == session_id)
        )
    )
    changes = conn.execute(
        sa.select(audit.c.action, audit.c.summary)
        .where(
            audit.c.action.in_(("congress.delegate_added", "congress.delegate_removed")),
            audit.c.target_type == "CongressSession",
            audit.c.target_id == str(session_id),
            audit.c.at > closed_at,
        )
        .order_by(audit.c.at.desc(), audit.c.id.desc())
    )
    for action, number in changes:
        if action == "congress.delegate_added":
            numbers.discard(number)
        else:
            numbers.add(number)
    if not numbers:
        return 0
    return conn.scalar(
        sa.select(sa.func.count())
        .select_from(users)
        .where(users.c.employee_no.in_(numbers), users.c.active == sa.true())
    )


def _members_now(conn, round_id) -> int:
    chosen = sa.select(round_departments.c.department_id).where(
        round_departments.c.round_id == round_id
    )
    return conn.scalar(
        sa.select(sa.func.count())
        .select_from(users.outerjoin(departments, departments.c.id == users.c.department_id))
        .where(
            users.c.active == sa.true(),
            users.c.department_id.in_(chosen) | departments.c.parent_id.in_(chosen),
        )
    )


def _count(conn, table, round_id) -> int:
    return conn.scalar(
        sa.select(sa.func.count()).select_from(table).where(table.c.round_id == round_id)
    )


def upgrade():
    with op.batch_alter_table("evaluation_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("eligible_voters", sa.Integer(), nullable=True))
    conn = op.get_bind()
    now = sa.literal(datetime.now(UTC), sa.DateTime(timezone=True))
    closed = conn.execute(
        sa.select(rounds.c.id, rounds.c.session_id, rounds.c.electorate, rounds.c.closes_at).where(
            rounds.c.closes_at <= now
        )
    ).all()
    for round_id, session_id, electorate, closes_at in closed:
        if electorate == "delegates":
            could = _delegates_at_close(conn, session_id, closes_at) if session_id else 0
        else:
            could = _members_now(conn, round_id)
        could = max(could, _count(conn, voters, round_id), _count(conn, ballots, round_id))
        conn.execute(rounds.update().where(rounds.c.id == round_id).values(eligible_voters=could))


def downgrade():
    with op.batch_alter_table("evaluation_rounds", schema=None) as batch_op:
        batch_op.drop_column("eligible_voters")
