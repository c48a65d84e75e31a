"""The safety network's daily job: rectifications due tomorrow, and those past due."""

from datetime import timedelta

from sqlalchemy import select

from app.blueprints.notify import triggers
from app.extensions import db
from app.jobs import path_for
from app.models import Role, User, UserRole
from app.models.hazards import OPEN_STATUSES, Hazard

from .queries import overdue_hazards
from .services.common import local_today


def remind_due_dates(today=None) -> dict[str, int]:
    """Tell assignees the day before a due date; tell assignees and the safety officers every
    day a hazard stays past due. The job runner commits."""
    today = today or local_today()
    due_tomorrow = db.session.scalars(
        select(Hazard).where(
            Hazard.status.in_(OPEN_STATUSES),
            Hazard.due_on == today + timedelta(days=1),
            Hazard.assignee_id.is_not(None),
        )
    ).all()
    for hazard in due_tomorrow:
        triggers.hazard_due_tomorrow(
            [hazard.assignee_id],
            hazard.title,
            hazard.due_on,
            path_for("safety.hazard", hazard_id=hazard.id),
        )
    overdue = overdue_hazards(today)
    if overdue:
        officers = set(
            db.session.scalars(
                select(UserRole.user_id)
                .join(User, User.id == UserRole.user_id)
                .where(UserRole.role == Role.SAFETY_OFFICER, User.active.is_(True))
            )
        )
        for hazard in overdue:
            people = officers | ({hazard.assignee_id} if hazard.assignee_id else set())
            triggers.hazard_overdue(
                sorted(people),
                hazard.title,
                hazard.due_on,
                path_for("safety.hazard", hazard_id=hazard.id),
            )
    return {"due_tomorrow": len(due_tomorrow), "overdue": len(overdue)}
