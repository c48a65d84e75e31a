"""Small row-level steps the services share: the next number of a series, find-or-add."""

from sqlalchemy import func, select

from app.extensions import db


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
