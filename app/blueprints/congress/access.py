"""Who may do what in the congress feature (see the package docstring for the role model)."""

from datetime import date
from functools import cache

from sqlalchemy import bindparam, case, select

from app.extensions import db
from app.models import Role
from app.models.congress import CongressSession, Delegate, DepartmentContact
from app.services.inputs import local_today
from app.services.roles import holder_ids

MANAGERS = (Role.ORGANIZER, Role.ADMIN)


def is_manager(user) -> bool:
    """Organizers and the chairman: they run the congress and are the motions committee."""
    return bool(user.is_authenticated and user.has_role(*MANAGERS))


def manager_ids() -> list[int]:
    return holder_ids(*MANAGERS)


def current_session(today: date | None = None) -> CongressSession | None:
    """The session whose term runs today (the latest one if several do), else the latest:
    one statement, the running sessions ordered first."""
    return db.session.scalar(current_session_statement(), {"today": today or local_today()})


@cache
def current_session_statement():
    """Built once a process: the home card asks it (see app/blueprints/README.md)."""
    return (
        select(CongressSession)
        .order_by(
            case((CongressSession.term_ends_on >= bindparam("today"), 0), else_=1),
            CongressSession.starts_on.desc(),
            CongressSession.id.desc(),
        )
        .limit(1)
    )


def delegate_of(user, session) -> Delegate | None:
    if session is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Delegate).where(Delegate.session_id == session.id, Delegate.user_id == user.id)
    )


def contact_department_ids(user, session_id: int) -> set[int]:
    """The departments whose motions `user` answers in a session."""
    return set(
        db.session.scalars(
            select(DepartmentContact.department_id).where(
                DepartmentContact.session_id == session_id,
                DepartmentContact.user_id == user.id,
            )
        )
    )


def contact_ids(session_id: int, department_ids) -> list[int]:
    ids = list(department_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(DepartmentContact.user_id)
            .where(
                DepartmentContact.session_id == session_id,
                DepartmentContact.department_id.in_(ids),
            )
            .distinct()
        )
    )


def in_departments(user, departments) -> bool:
    """Is `user` in one of `departments` (a workshop includes its teams)?"""
    ids = {d.id for d in departments}
    department = user.department
    return department is not None and (department.id in ids or department.parent_id in ids)
