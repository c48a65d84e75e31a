"""leader accounts: an evaluated leader linked to their account does not rate themselves

Revision ID: 0028_leader_accounts
Revises: 0027_appeal_earlier_ratings
Create Date: 2026-12-11 10:00:00

A department head who was evaluated and could vote got a ballot with a section for himself,
and it was counted. `evaluation_leaders.user_id` links a leader to their account (optional:
some leaders have none); their ballot then has no section for them. A ballot that lacked
one leader's section would name its voter, so a ballot is now stored cut into its sections,
one `evaluation_ballots` row per leader rated, which nothing ties together; the round counts
its ballots in `evaluation_rounds.ballots_cast`.

The ballots stored before this step are whole: each is cut into its sections here, under
fresh random keys, in a shuffled order, and each round's count is its ballots. No leader is
linked: who is whom is the organizers' to say. Going back keeps the sections as they are:
the app before this step counts each section as a ballot (it cannot be made whole again).
"""

import random
import uuid
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0028_leader_accounts"
down_revision = "0027_appeal_earlier_ratings"
branch_labels = None
depends_on = None

rounds = sa.table(
    "evaluation_rounds", sa.column("id", sa.Integer), sa.column("ballots_cast", sa.Integer)
)
ballots = sa.table("evaluation_ballots", sa.column("id", sa.String), sa.column("round_id"))
LINES = [
    sa.table(
        name,
        sa.column("id", sa.String),
        sa.column("ballot_id", sa.String),
        sa.column("leader_id", sa.Integer),
    )
    for name in ("evaluation_ballot_grades", "evaluation_ballot_comments")
]


def _split(conn) -> None:
    """Cut every stored ballot into one sheet per leader it rates."""
    round_of = dict(conn.execute(sa.select(ballots.c.id, ballots.c.round_id)).all())
    if not round_of:
        return
    sections: dict[tuple[str, int], list[tuple[sa.Table, str]]] = defaultdict(list)
    for lines in LINES:
        for line_id, ballot_id, leader_id in conn.execute(
            sa.select(lines.c.id, lines.c.ballot_id, lines.c.leader_id)
        ):
            sections[(ballot_id, leader_id)].append((lines, line_id))
    order = list(sections.items())
    random.SystemRandom().shuffle(order)
    for (ballot_id, _leader), lines in order:
        key = uuid.uuid4().hex
        conn.execute(ballots.insert().values(id=key, round_id=round_of[ballot_id]))
        for table, line_id in lines:
            conn.execute(table.update().where(table.c.id == line_id).values(ballot_id=key))
    conn.execute(ballots.delete().where(ballots.c.id.in_(list(round_of))))


def upgrade():
    with op.batch_alter_table("evaluation_rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ballots_cast", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("evaluation_leaders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_evaluation_leaders_user_id_users"),
            "users",
            ["user_id"],
            ["id"],
            ondelete="SET NULL",
        )
    conn = op.get_bind()
    counted = (
        sa.select(sa.func.count())
        .select_from(ballots)
        .where(ballots.c.round_id == rounds.c.id)
        .scalar_subquery()
    )
    conn.execute(rounds.update().values(ballots_cast=counted))
    _split(conn)


def downgrade():
    with op.batch_alter_table("evaluation_leaders", schema=None) as batch_op:
        batch_op.drop_constraint("fk_evaluation_leaders_user_id_users", type_="foreignkey")
        batch_op.drop_column("user_id")
    with op.batch_alter_table("evaluation_rounds", schema=None) as batch_op:
        batch_op.drop_column("ballots_cast")
