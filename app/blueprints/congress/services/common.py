"""Dates and row locks every congress service shares (texts: `app.guards.clean_text`)."""

from sqlalchemy import update

from app.extensions import db
from app.services.inputs import local_today as today  # the union's calendar day

__all__ = ["lock_row", "today"]


def lock_row(model, row_id: int) -> None:
    """Serialise writers of one row: `SELECT … FOR UPDATE` on PostgreSQL; on SQLite a no-op
    UPDATE, which takes the database's write lock at once."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(db.select(model.id).where(model.id == row_id).with_for_update()).first()
    else:
        db.session.execute(update(model).where(model.id == row_id).values(id=model.id))
