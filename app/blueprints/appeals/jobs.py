"""The daily job: the chairman hears of appeals not acknowledged by their target date."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.blueprints.notify.services import remind_daily
from app.extensions import db
from app.jobs import path_for
from app.models.appeals import Appeal, AppealStatus

from . import access
from .services import local_today


def alert_overdue(today=None) -> int:
    """One message a day to each chairman while appeals wait past their target (the message
    names no appeal and no person); returns how many appeals are overdue."""
    today = today or local_today()
    overdue = db.session.scalars(
        select(Appeal).where(
            Appeal.status == AppealStatus.RAISED,
            Appeal.acknowledge_by < today,
            or_(Appeal.overdue_alerted_on.is_(None), Appeal.overdue_alerted_on < today),
        )
    ).all()
    remind_daily(
        overdue,
        access.chairman_ids() if overdue else [],
        "care_rights.appeals_overdue",
        _l("%(n)d members' appeals not acknowledged in time", n=len(overdue)),
        _l("They wait past their target date. See that the rights officer answers."),
        path_for("appeals.index", tab="overdue"),
        mark="overdue_alerted_on",
        day=today,
    )
    db.session.flush()  # the job runner commits
    return len(overdue)


def register(reg) -> None:
    reg.daily_job("appeals.overdue", alert_overdue)
