"""search index of hazard titles: pg_trgm GIN on PostgreSQL, FTS5 trigram on SQLite

The officer's hazard list searches titles with "contains". Without an index that reads every
row; a trigram index answers from the index. PostgreSQL's pg_trgm GIN index serves ILIKE as it
is. SQLite's FTS5 table (trigram tokenizer, external content: it stores no second copy of the
titles) is kept in step with `hazards` by three triggers, so every write path (ORM, Core
executemany, sync) keeps it current without knowing about it.

Revision ID: 0013_perf
Revises: 0012_proposals
Create Date: 2026-12-06 01:00:00
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_perf"
down_revision = "0012_proposals"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE hazards_fts USING fts5("
    "title, content='hazards', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER hazards_fts_insert AFTER INSERT ON hazards BEGIN "
    "INSERT INTO hazards_fts(rowid, title) VALUES (new.id, new.title); END",
    "CREATE TRIGGER hazards_fts_delete AFTER DELETE ON hazards BEGIN "
    "INSERT INTO hazards_fts(hazards_fts, rowid, title) VALUES ('delete', old.id, old.title); "
    "END",
    "CREATE TRIGGER hazards_fts_update AFTER UPDATE OF title ON hazards BEGIN "
    "INSERT INTO hazards_fts(hazards_fts, rowid, title) VALUES ('delete', old.id, old.title); "
    "INSERT INTO hazards_fts(rowid, title) VALUES (new.id, new.title); END",
    # The titles already there.
    "INSERT INTO hazards_fts(hazards_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS hazards_fts_update",
    "DROP TRIGGER IF EXISTS hazards_fts_delete",
    "DROP TRIGGER IF EXISTS hazards_fts_insert",
    "DROP TABLE IF EXISTS hazards_fts",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # pg_trgm is a trusted extension: the database's owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_hazards_title_trgm ON hazards "
            "USING gin (title gin_trgm_ops)"
        )
    elif dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_hazards_title_trgm")
    elif dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
