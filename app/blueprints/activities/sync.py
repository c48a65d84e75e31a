"""The activities' offline record kind: a check-in scanned at the door (`checkin`).

The handler calls the same service as the check-in page, with the record's uuid as its
`client_id` and the phone's `captured_at`; it does not commit (the sync batch does).
"""

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _

from app.blueprints.sync.registry import HandlerResult, SyncInvalid
from app.errors import Refused
from app.extensions import db
from app.guards import parse_id
from app.models import User
from app.models.activities import Activity

from .services import CheckInResult, check_in


def _check_in(organizer: User, record_id: str, data: dict, captured_at: datetime | None):
    """(activity or None, CheckInResult) of one `checkin` record."""
    activity_id = parse_id(data.get("activity_id"))  # a number, or digits as a form sends it
    activity = db.session.get(Activity, activity_id) if activity_id is not None else None
    if activity is None:
        errors = {"activity_id": [_("This activity does not exist.")]}
        return None, CheckInResult("invalid", errors=errors)
    try:
        code = str(data.get("code") or "")
        return activity, check_in(organizer, activity, code, record_id, captured_at)
    except Refused as refused:
        return activity, CheckInResult("invalid", errors={"code": [refused.message]})


def sync_record(organizer: User, record_id: str, data: dict, captured_at: datetime | None):
    """The `checkin` kind of the offline outbox: `data` is {"activity_id", "code"}.

    Answers in the shape of one sync result. A person already checked in (the code shown twice,
    or scanned on another phone) is the same fact again: `duplicate`, as a record sent twice.
    """
    activity, result = _check_in(organizer, record_id, data, captured_at)
    if activity is None or result.status == "invalid":
        return {"status": "invalid", "errors": result.errors}
    status = "duplicate" if result.status == "already" else result.status
    answer = {"status": status, "url": url_for("activities.roster", activity_id=activity.id)}
    if result.errors:
        answer["errors"] = result.errors
    return answer


def sync_checkin(organizer: User, record) -> HandlerResult:
    """The sync registry's handler (`record`: a SyncItem): the record becomes the person's
    place, whether this record checked them in or an earlier scan did."""
    activity, result = _check_in(organizer, record.id, record.data, record.captured_at)
    if result.status not in ("created", "duplicate", "already"):
        raise SyncInvalid(result.errors)
    url = url_for("activities.roster", activity_id=activity.id)
    return HandlerResult(url=url, obj=result.participation)


def register(reg) -> None:
    reg.sync_kind("checkin", sync_checkin)
