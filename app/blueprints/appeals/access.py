"""Who handles appeals, and who never sees them.

- The **rights officer** is the union: by default the organizers and the chairman (the
  administrator); with `APPEALS_OFFICERS=chairman` (environment or config) the chairman alone.
- **Management accounts** — anyone named a department head (proposals' department heads) or a
  department's 提案联络人 (congress contacts) — never see an appeal that is not their own, even
  when they also hold an officer's role: an appeal about a workshop must not reach the
  workshop's management.
- A member sees their own named appeals; an anonymous appeal only through its receipt code.
"""

import os

from flask import current_app
from sqlalchemy import exists, or_, select

from app.extensions import db
from app.models import Role, User
from app.models.congress import DepartmentContact
from app.models.proposals import DepartmentHead
from app.services.roles import holder_ids


def officer_roles() -> tuple[Role, ...]:
    setting = current_app.config.get("APPEALS_OFFICERS") or os.environ.get("APPEALS_OFFICERS")
    if (setting or "").strip().lower() == "chairman":
        return (Role.ADMIN,)
    return (Role.ORGANIZER, Role.ADMIN)


def is_management(user) -> bool:
    return bool(
        db.session.scalar(
            select(
                or_(
                    exists().where(DepartmentHead.user_id == user.id),
                    exists().where(DepartmentContact.user_id == user.id),
                )
            )
        )
    )


def is_officer(user) -> bool:
    return user.is_authenticated and user.has_role(*officer_roles()) and not is_management(user)


def can_see(user, appeal) -> bool:
    if is_officer(user):
        return True
    return not appeal.anonymous and appeal.author_id is not None and appeal.author_id == user.id


def officer_ids() -> list[int]:
    """The active rights officers (told of a named appeal)."""
    return [i for i in holder_ids(*officer_roles()) if not is_management(db.session.get(User, i))]


def chairman_ids() -> list[int]:
    """The chairman (the administrators): told of overdue appeals."""
    return holder_ids(Role.ADMIN)
