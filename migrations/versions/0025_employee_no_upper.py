"""employee numbers upper case: a number is found however its letters were typed

Revision ID: 0025_employee_no_upper
Revises: 0024_round_eligible_voters
Create Date: 2026-12-09 10:00:00

A typed employee number is read upper case (`typed_no`: a phone keyboard types m0003 first),
and numbers are stored that way; this step upper-cases the numbers already stored. Two
accounts whose numbers differ only in case (m0003 and M0003) would become one number: they
are left as they are, and said in the log, for the office to give one of them another
number. The schema does not change; going back leaves the numbers upper case (which case
each had is not kept, and either is a valid number).
"""

import logging
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0025_employee_no_upper"
down_revision = "0024_round_eligible_voters"
branch_labels = None
depends_on = None

users = sa.table("users", sa.column("id", sa.Integer), sa.column("employee_no", sa.String))


def upgrade():
    conn = op.get_bind()
    by_upper = defaultdict(list)
    for user_id, number in conn.execute(
        sa.select(users.c.id, users.c.employee_no).order_by(users.c.id)
    ):
        by_upper[number.upper()].append((user_id, number))
    log = logging.getLogger("alembic.runtime.migration")
    for upper, accounts in by_upper.items():
        if len(accounts) > 1:
            log.warning(
                "employee numbers %s differ only in case: left as they are; give all but "
                "one of these accounts another number (users %s)",
                ", ".join(number for _id, number in accounts),
                ", ".join(str(user_id) for user_id, _number in accounts),
            )
            continue
        ((user_id, number),) = accounts
        if number != upper:
            conn.execute(users.update().where(users.c.id == user_id).values(employee_no=upper))


def downgrade():
    pass
