"""What the gate's writes share."""

from flask_babel import gettext as _

from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.models._types import utcnow


def revoke(row, officer, reason: str, *, say_why: str, already: str) -> str:
    """Revoke a worker's code or qualification (`row`) with the reason the worker and the
    checker see; `say_why` and `already` are the messages for a missing reason and for a row
    revoked before. Returns the reason as stored."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", say_why)
    if len(reason) > 255:
        raise ValidationFailed.on("reason", _("Use at most 255 characters."))
    if row.is_revoked:
        raise Refused(already, 409)
    row.revoked_at = utcnow()
    row.revoked_by_id = officer.id
    row.revoke_reason = reason
    db.session.flush()
    return reason
