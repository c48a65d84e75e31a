"""Input checks every congress service shares."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import update

from app.errors import ValidationFailed
from app.extensions import db


def clean_text(value, field: str, *, limit: int, required: str | None = None) -> str:
    """Strip a text; refuse NUL bytes, over-long text and (when `required`) an empty one."""
    value = "" if value is None else str(value)
    if "\x00" in value:
        raise ValidationFailed.on(field, _("The text contains a character that is not allowed."))
    value = value.strip()
    if required and not value:
        raise ValidationFailed.on(field, required)
    if len(value) > limit:
        raise ValidationFailed.on(field, _("At most %(n)d characters.", n=limit))
    return value


def today() -> date:
    from app.jobs import LOCAL_TZ
    from app.models._types import utcnow

    return utcnow().astimezone(LOCAL_TZ).date()


def lock_row(model, row_id: int) -> None:
    """Serialise writers of one row: `SELECT … FOR UPDATE` on PostgreSQL; on SQLite a no-op
    UPDATE, which takes the database's write lock at once."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(db.select(model.id).where(model.id == row_id).with_for_update()).first()
    else:
        db.session.execute(update(model).where(model.id == row_id).values(id=model.id))
