"""The activities' offline record kind: a check-in scanned at the door (`checkin`).

The handler calls the same service as the check-in page, with the record's uuid as its
`client_id` and the phone's `captured_at`; it does not commit (the sync batch does).
"""

from flask import url_for
from flask_babel import gettext as _

from app.blueprints.sync.registry import HandlerResult, SyncInvalid
from app.errors import Refused
from app.extensions import db
from app.guards import parse_id
from app.models import User
from app.models.activities import Activity

from .services import check_in


def sync_checkin(organizer: User, record) -> HandlerResult:
    """The sync registry's handler (`record`: a SyncItem, `data` {"activity_id", "code"}): the
    record becomes the person's place, whether this record checked them in or an earlier scan
    did (the code shown twice, or scanned on another phone: the same fact again)."""
    activity_id = parse_id(record.data.get("activity_id"))  # a number, or digits as a form sends
    activity = db.session.get(Activity, activity_id) if activity_id is not None else None
    if activity is None:
        raise SyncInvalid({"activity_id": [_("This activity does not exist.")]})
    code = str(record.data.get("code") or "")
    try:
        result = check_in(organizer, activity, code, record.id, record.captured_at)
    except Refused as refused:
        raise SyncInvalid({"code": [refused.message]}) from None
    if result.status not in ("created", "duplicate", "already"):
        raise SyncInvalid(result.errors)
    url = url_for("activities.roster", activity_id=activity.id)
    return HandlerResult(url=url, obj=result.participation)


def register(reg) -> None:
    reg.sync_kind("checkin", sync_checkin)
