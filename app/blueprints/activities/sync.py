"""The activities' offline record kind: a check-in scanned at the door (`checkin`).

The handler calls the same service as the check-in page, with the record's uuid as its
`client_id` and the phone's `captured_at`; it does not commit (the sync batch does).
"""

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.blueprints.sync.registry import HandlerResult, SyncInvalid
from app.errors import Refused
from app.extensions import db
from app.guards import parse_id
from app.models import User
from app.models.activities import Activity, Participation

from .services import check_in


def sync_record(organizer: User, record_id: str, data: dict, captured_at: datetime | None):
    """The `checkin` kind of the offline outbox: `data` is {"activity_id", "code"}.

    For the sync blueprint's handler registry; answers in the shape of one sync result.
    """
    activity_id = parse_id(data.get("activity_id"))  # a number, or digits as a form sends it
    activity = db.session.get(Activity, activity_id) if activity_id is not None else None
    if activity is None:
        return {
            "status": "invalid",
            "errors": {"activity_id": [_("This activity does not exist.")]},
        }
    try:
        result = check_in(organizer, activity, str(data.get("code") or ""), record_id, captured_at)
    except Refused as refused:
        return {"status": "invalid", "errors": {"code": [refused.message]}}
    answer = {"status": result.status, "url": url_for("activities.roster", activity_id=activity.id)}
    if result.errors:
        answer["errors"] = result.errors
    return answer


def sync_checkin(organizer: User, record) -> HandlerResult:
    """`sync_record` as the sync registry calls a handler (`record`: a SyncItem)."""
    answer = sync_record(organizer, record.id, record.data, record.captured_at)
    if answer["status"] not in ("created", "duplicate"):
        raise SyncInvalid(answer["errors"])
    participation = db.session.scalar(
        select(Participation).where(Participation.checkin_client_id == record.id)
    )
    return HandlerResult(url=answer["url"], obj=participation)


def register(reg) -> None:
    reg.sync_kind("checkin", sync_checkin)
