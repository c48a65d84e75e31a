"""Small row-level steps the services share: the next number of a series, find-or-add, the
row an outbox record already made, a lock on one row."""

from sqlalchemy import func, select, update

from app.errors import Conflict
from app.extensions import db
from app.services import batch as lookups
from app.services.inputs import check_client_id


def next_number(column, *where) -> int:
    """One more than the highest `column` among the rows `where` selects; 1 for the first."""
    return (db.session.scalar(select(func.max(column)).where(*where)) or 0) + 1


def one_or_add(model, **keys):
    """The row of `model` with these column values, or a new one with them, added to the
    session (so that answering twice updates one row instead of adding another)."""
    row = db.session.scalar(select(model).filter_by(**keys))
    if row is None:
        row = model(**keys)
        db.session.add(row)
    return row


def saved_into(model, row):
    """(row, created): the row a form saves into, `row` itself, or a new `model` row added
    to the session when there is none yet (a form that both adds and changes)."""
    if row is not None:
        return row, False
    row = model()
    db.session.add(row)
    return row, True


def sent_before(model, client_id, owner: str, user) -> tuple[str | None, object | None]:
    """(the outbox id of a record, checked; the row an earlier send of it made, or None).

    How every service that an outbox record reaches begins: a retry (the phone did not hear
    the answer) gets back what the first send made instead of making a second row. A row that
    someone else made with this id is a `Conflict`: ids are the phone's, and a reused one must
    not hand over another person's record. Inside a sync batch that vouches that no row carries
    the id yet (`batch.known_new`), the database is not asked.

    `owner`: the column that says who made the row (`reporter_id`, `author_id`, …)."""
    client_id = check_client_id(client_id)
    if client_id is None or lookups.known_new(client_id):
        return client_id, None
    found = db.session.scalar(select(model).where(model.client_id == client_id))
    if found is not None and getattr(found, owner) != user.id:
        raise Conflict(client_id)
    return client_id, found


def lock_row(model, row_id: int) -> None:
    """Serialise the writers of one row until the transaction ends: `SELECT … FOR UPDATE` on
    PostgreSQL; on SQLite a no-op UPDATE, which takes the database's write lock at once. The
    UPDATE sets a plain column to itself: setting the key would make SQLite check every table
    that refers to it, a scan of each one without an index on its reference."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(model.id).where(model.id == row_id).with_for_update()).first()
    else:
        plain = next(c for c in model.__table__.columns if not (c.primary_key or c.foreign_keys))
        db.session.execute(
            update(model)
            .where(model.id == row_id)
            .values({plain.name: plain})
            .execution_options(synchronize_session=False)
        )
