"""Who may do what in the library. Everyone signed in reads and studies; organizers and safety
officers (and the chairman) publish documents and set questions and exams and see everyone's
results and who has not confirmed a procedure; a team leader sees that for their own team."""

from sqlalchemy import select

from app.extensions import db
from app.models import Department, Role

from . import posts

PUBLISHERS = (Role.ORGANIZER, Role.SAFETY_OFFICER, Role.ADMIN)


def can_publish(user) -> bool:
    return user.has_role(*PUBLISHERS)


def can_manage_study(user) -> bool:
    return user.has_role(*PUBLISHERS)


def led_departments(user) -> list[int]:
    """The departments (team and the teams under a workshop) whose confirmations `user`
    follows: every department for a publisher, else those of the teams they lead."""
    ids = posts.led_team_ids(user)
    if not ids:
        return []
    children = db.session.scalars(select(Department.id).where(Department.parent_id.in_(ids)))
    return sorted(set(ids) | set(children))


def can_follow_readers(user) -> bool:
    return can_publish(user) or bool(led_departments(user))
