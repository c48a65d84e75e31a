"""Who may do what with surveys: organizers and the chairman build them and read results;
the audience answers."""

from sqlalchemy import literal, or_, select, union_all

from app.extensions import db
from app.models import Department, Role, User
from app.models.activities import Participation, ParticipationStatus
from app.models.surveys import Audience, Survey

MANAGERS = (Role.ORGANIZER, Role.ADMIN)


def is_manager(user) -> bool:
    return bool(user.is_authenticated and user.has_role(*MANAGERS))


def in_audience(user, survey: Survey) -> bool:
    """Is `user` among the people the survey asks (a workshop includes its teams)?"""
    return survey.id in surveys_asking(user, [survey])


def surveys_asking(user, surveys) -> set[int]:
    """The ids of those of `surveys` that ask `user`, in one statement: whether `user` is
    one of each survey's `audience_ids`, so that the people a survey is announced to and the
    people who may answer it are one rule."""
    if not (surveys and user.is_authenticated):
        return set()
    asks = (
        select(literal(survey.id)).where(audience_ids(survey).where(User.id == user.id).exists())
        for survey in surveys
    )
    return set(db.session.scalars(union_all(*asks)))


def audience_ids(survey: Survey):
    """The select of the ids of the active people the survey asks (a workshop includes its
    teams): the one audience rule, which `in_audience` asks for one person."""
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
