"""first version note: the app's own note on a document's first version is no longer stored

Revision ID: 0026_first_version_note
Revises: 0025_employee_no_upper
Create Date: 2026-12-09 11:00:00

A first version published without a note was stored with the app's note in the publisher's
language ("首次发布。" or "First version."), and read so in the other language too. The page
now says the note in the reader's language when none is stored; this step takes the stored
copies away. Going back puts the Chinese one back, the app's first language.
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_first_version_note"
down_revision = "0025_employee_no_upper"
branch_labels = None
depends_on = None

versions = sa.table(
    "library_versions", sa.column("number", sa.Integer), sa.column("changes", sa.Text)
)
NOTES = ("首次发布。", "First version.")


def upgrade():
    op.get_bind().execute(
        versions.update()
        .where(versions.c.number == 1, versions.c.changes.in_(NOTES))
        .values(changes="")
    )


def downgrade():
    op.get_bind().execute(
        versions.update()
        .where(versions.c.number == 1, versions.c.changes == "")
        .values(changes=NOTES[0])
    )
