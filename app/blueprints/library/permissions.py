"""Who may do what in the library. Everyone signed in reads and studies; organizers and safety
officers (and the chairman) publish documents and set questions and exams and see everyone's
results and who has not confirmed a procedure; a team leader sees that for their own team."""

from app.models import Role
from app.services import departments

PUBLISHERS = (Role.ORGANIZER, Role.SAFETY_OFFICER, Role.ADMIN)


def can_publish(user) -> bool:
    return user.has_role(*PUBLISHERS)


def can_manage_study(user) -> bool:
    return user.has_role(*PUBLISHERS)


def led_departments(user) -> list[int]:
    """The departments (a team, and the teams under a workshop) whose confirmations `user`
    follows as their team leader."""
    return sorted(departments.led_departments(user))


def can_follow_readers(user) -> bool:
    return can_publish(user) or bool(led_departments(user))
