"""The safety network's daily job: rectifications due tomorrow, and those past due."""

from datetime import timedelta

from sqlalchemy import select

from app.blueprints.notify import triggers
from app.extensions import db
from app.jobs import path_for
from app.models import Department, Role, User, UserRole
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
        officers = _officers_by_department()
        departments = dict(db.session.execute(select(Department.id, Department.parent_id)).all())
        for hazard in overdue:
            people = _responsible(officers, departments, hazard.area.department_id)
            if hazard.assignee_id:
                people.add(hazard.assignee_id)
            triggers.hazard_overdue(
                sorted(people),
                hazard.title,
                hazard.due_on,
                path_for("safety.hazard", hazard_id=hazard.id),
            )
    return {"due_tomorrow": len(due_tomorrow), "overdue": len(overdue)}


def _officers_by_department() -> dict[int | None, set[int]]:
    """Active safety officers by their department id (None: the whole company)."""
    rows = db.session.execute(
        select(User.department_id, User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.SAFETY_OFFICER, User.active.is_(True))
    )
    officers: dict[int | None, set[int]] = {}
    for department_id, user_id in rows:
        officers.setdefault(department_id, set()).add(user_id)
    return officers


def _responsible(officers, parents: dict[int, int | None], department_id) -> set[int]:
    """The officers of a hazard's department, of the departments above it, and those of the
    whole company; an area of no department concerns every officer."""
    if department_id is None:
        return set().union(*officers.values()) if officers else set()
    people = set(officers.get(None, set()))
    seen = set()
    while department_id is not None and department_id not in seen:
        seen.add(department_id)
        people |= officers.get(department_id, set())
        department_id = parents.get(department_id)
    return people


def register(reg) -> None:
    reg.daily_job("safety.due_dates", remind_due_dates)
