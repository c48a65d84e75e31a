"""Who may do what with surveys: organizers and the chairman build them and read results;
the audience answers."""

from sqlalchemy import or_, select

from app.extensions import db
from app.models import Department, Role, User
from app.models.activities import Participation, ParticipationStatus
from app.models.surveys import Audience, Survey

MANAGERS = (Role.ORGANIZER, Role.ADMIN)


def is_manager(user) -> bool:
    return bool(user.is_authenticated and user.has_role(*MANAGERS))


def in_audience(user, survey: Survey) -> bool:
    """Is `user` among the people the survey asks (a workshop includes its teams)?"""
    if not (user.is_authenticated and user.active):
        return False
    if survey.audience is Audience.DEPARTMENTS:
        ids = {d.id for d in survey.departments}
        department = user.department
        return department is not None and (department.id in ids or department.parent_id in ids)
    if survey.audience is Audience.ACTIVITY:
        return (
            db.session.scalar(
                select(Participation.id).where(
                    Participation.activity_id == survey.activity_id,
                    Participation.user_id == user.id,
                    Participation.status == ParticipationStatus.CONFIRMED,
                )
            )
            is not None
        )
    return True


def audience_ids(survey: Survey):
    """The select of the ids of the active people the survey asks: `in_audience` for all of
    them at once."""
    query = select(User.id).where(User.active.is_(True))
    if survey.audience is Audience.DEPARTMENTS:
        ids = [d.id for d in survey.departments]
        return query.join(Department, Department.id == User.department_id).where(
            or_(Department.id.in_(ids), Department.parent_id.in_(ids))
        )
    if survey.audience is Audience.ACTIVITY:
        return query.join(Participation, Participation.user_id == User.id).where(
            Participation.activity_id == survey.activity_id,
            Participation.status == ParticipationStatus.CONFIRMED,
        )
    return query
