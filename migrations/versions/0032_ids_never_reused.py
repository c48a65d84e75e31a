"""ids never reused: on SQLite a deleted row's id is no longer given to the next row

Revision ID: 0032_ids_never_reused
Revises: 0031_list_order_indexes
Create Date: 2026-12-14 10:00:00

SQLite numbers a new row one past the largest id in the table, so a deleted row that had the
largest id gave its id to the next one: the link a co-signer kept to a deleted draft motion
(/congress/motions/7) opened the next motion proposed. A table declared AUTOINCREMENT never
goes back (SQLite keeps its highest id in sqlite_sequence). The tables whose rows a person or a
job deletes while their ids live on are rebuilt so: a deleted draft motion or proposal (links,
notices, the audit log) and a draft's photos (/proposals/photos/<id>), a department, a
delegate, a post holder, a household member, a campaign recipient (the remove buttons of a page
left open), a qualification a cleared result takes away (/gate/qualifications/<id>), a person
taken out of an evaluation round (an open ballot names them by id), a cleaned-out inbox entry (a
push on a phone leads to /notifications/<id>) and a push subscription (a retry is queued by its
id). Each counts on from the largest id it holds or its audit entries name (a draft deleted
before this step), so that id is not given again either. Their columns, keys, foreign keys and
indexes are those they had.

PostgreSQL's sequences never give a number twice: nothing to do there. Going back rebuilds the
tables without AUTOINCREMENT (SQLite drops their counters with them).
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_ids_never_reused"
down_revision = "0031_list_order_indexes"
branch_labels = None
depends_on = None

# Each table and its model's name, as the audit log names its rows (target_type).
TABLES = {
    "congress_motions": "Motion",
    "proposals": "Proposal",
    "proposal_photos": "ProposalPhoto",
    "departments": "Department",
    "congress_delegates": "Delegate",
    "evaluation_leaders": "EvaluationLeader",
    "qualifications": "Qualification",
    "post_holders": "PostHolder",
    "care_household_members": "HouseholdMember",
    "care_campaign_recipients": "CampaignRecipient",
    "notifications": "Notification",
    "push_subscriptions": "PushSubscription",
}


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        _rebuild(table, autoincrement=True)
    _count_on_from_audited_ids()


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        _rebuild(table, autoincrement=False)


def _rebuild(table: str, *, autoincrement: bool) -> None:
    """The table made anew from what reflection reads of it (columns, keys, foreign keys with
    their ON DELETE, unique constraints, indexes; none of these tables has a CHECK), its rows
    copied with their ids: the copy sets the counter of an AUTOINCREMENT table to the largest."""
    with op.batch_alter_table(
        table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def _count_on_from_audited_ids() -> None:
    """Raise each counter to the largest id its audit entries name, when that is above the
    largest id left in the table (the deleted draft that had it)."""
    bind = op.get_bind()
    audited = dict(
        bind.execute(
            sa.text(
                "SELECT target_type, max(CAST(target_id AS INTEGER)) FROM audit_logs "
                "WHERE target_type IN :names GROUP BY target_type"
            ).bindparams(sa.bindparam("names", expanding=True)),
            {"names": list(TABLES.values())},
        ).all()
    )
    for table, model in TABLES.items():
        highest = audited.get(model)
        if not highest:
            continue
        counted = bind.scalar(
            sa.text("SELECT seq FROM sqlite_sequence WHERE name = :table"), {"table": table}
        )
        if counted is None:  # an empty table has no counter yet
            bind.execute(
                sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :seq)"),
                {"table": table, "seq": highest},
            )
        elif highest > counted:
            bind.execute(
                sa.text("UPDATE sqlite_sequence SET seq = :seq WHERE name = :table"),
                {"table": table, "seq": highest},
            )
