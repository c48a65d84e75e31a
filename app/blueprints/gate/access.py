"""Who does what at the gate.

- Officers (safety officers, organizers, the chairman) keep the list of qualification types,
  the posts and their holders, record certificates and revoke qualifications and codes.
- Checkers stand at the site entrance: safety officers for every department, team leaders
  (班组长, named per workshop or team on the team-leader page) for theirs and its teams.
- Everyone has their own code.
"""

from app.models import Role
from app.services.departments import led_departments

OFFICERS = (Role.SAFETY_OFFICER, Role.ORGANIZER, Role.ADMIN)


def is_officer(user) -> bool:
    return user.is_authenticated and user.has_role(*OFFICERS)


def checked_departments(user) -> set[int] | None:
    """The departments whose workers `user` checks: None for all (safety officers), an empty
    set for someone who checks nobody."""
    if user.is_authenticated and user.has_role(Role.SAFETY_OFFICER):
        return None
    return led_departments(user)


def is_checker(user) -> bool:
    departments = checked_departments(user)
    return departments is None or bool(departments)


def may_see_report(user) -> bool:
    return is_officer(user) or is_checker(user)
