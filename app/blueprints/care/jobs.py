"""The care daily job: remind the care officers of overdue file reviews (once a week per
file) and of mutual-aid requests past their target time. No names in the texts: push
services carry them."""

from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.blueprints.notify.services import remind_daily
from app.extensions import db
from app.jobs import path_for
from app.models.care import AidRequest, AidStatus, CareFile, FileStatus

from . import parse
from .services.common import officer_ids


def remind(today=None) -> dict[str, int]:
    today = today or parse.local_today()
    files = db.session.scalars(
        select(CareFile).where(
            CareFile.status == FileStatus.ACTIVE,
            CareFile.review_due_on < today,
            or_(CareFile.reminded_on.is_(None), CareFile.reminded_on <= today - timedelta(days=7)),
        )
    ).all()
    officers = officer_ids()
    remind_daily(
        files,
        officers,
        "care_rights.care_reviews",
        _l("%(n)d care files are overdue for their yearly review", n=len(files)),
        _l("Review them: continue, change the level, or close as out of hardship."),
        path_for("care.files", due="1"),
        mark="reminded_on",
        day=today,
    )
    late = db.session.scalars(
        select(AidRequest.id).where(
            AidRequest.status != AidStatus.CLOSED,
            AidRequest.acknowledged_at.is_(None),
            AidRequest.respond_by < datetime.now(UTC),
        )
    ).all()
    remind_daily(
        late,
        officers,
        "care_rights.care_aid_overdue",
        _l("%(n)d mutual-aid requests wait past their target time", n=len(late)),
        _l("Acknowledge them today."),
        path_for("care.aid_requests"),  # daily until acknowledged: no mark
    )
    return {"reviews_overdue": len(files), "aid_overdue": len(late)}


def register(reg) -> None:
    reg.daily_job("care.reminders", remind)
