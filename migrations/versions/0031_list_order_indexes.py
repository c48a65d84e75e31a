"""list order indexes: newest-first lists read a page from an index, not a sorted table

Revision ID: 0031_list_order_indexes
Revises: 0030_survey_announced
Create Date: 2026-12-13 10:00:00

The proposal list, the appeal queue and the gate's recent checks each show the first rows of
one order (newest change, newest appeal, newest check). Without an index in that order the
database read every row and sorted them all for each page (bench/union_pages.py: the proposal list 1.7x slower at 10k proposals than at 1k).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0031_list_order_indexes"
down_revision = "0030_survey_announced"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_proposals_updated_at_id", "proposals", ["updated_at", "id"]),
    ("ix_appeals_raised_on_key", "appeals", ["raised_on", "key"]),
    ("ix_gate_checks_captured_at_id", "gate_checks", ["captured_at", "id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
