"""gate check mismatch: a check from a phone that the system's record disagrees with

Revision ID: 0033_gate_check_mismatch
Revises: 0032_ids_never_reused
Create Date: 2026-12-07 22:30:00

A check synced from a phone is kept with the phone's verdict (what happened at the entrance),
but a phone offline with an old copy may let in someone whose qualification had been revoked.
Each check from a phone now keeps, when the system's own verdict for that worker and post at
the moment of the check disagrees, what the system said (its reasons), so the safety officer
sees it.
Checks kept before are left unmarked.
"""

import sqlalchemy as sa
from alembic import op

revision = "0033_gate_check_mismatch"
down_revision = "0032_ids_never_reused"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("gate_checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mismatch", sa.String(length=500), nullable=True))
        # the officer's tab of them and its count read only those
        batch_op.create_index("ix_gate_checks_mismatch", ["mismatch"])


def downgrade():
    with op.batch_alter_table("gate_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_gate_checks_mismatch")
        batch_op.drop_column("mismatch")
