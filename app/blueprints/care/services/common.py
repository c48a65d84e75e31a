"""What every care service shares: who may do what, and finding people by employee number."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.models import Role, User, UserRole
from app.models.users import typed_no
from app.services.roles import holder_ids

OFFICERS = (Role.CARE_OFFICER,)
READERS = (Role.CARE_OFFICER, Role.ADMIN)


def can_read(user) -> bool:
    return user.is_authenticated and user.has_role(*READERS)


def can_edit(user) -> bool:
    return user.is_authenticated and user.has_role(*OFFICERS)


def require_officer(user) -> None:
    if not can_edit(user):
        raise Refused(_("Only care officers may do this."), 403)


def check(errors: dict) -> None:
    if errors:
        raise ValidationFailed(errors)


def person(data, key: str, errors: dict, *, required=True) -> User | None:
    """An active user named by employee number in `data[key]`."""
    raw = typed_no(data.get(key))
    if not raw:
        if required:
            errors.setdefault(key, []).append(_("Enter an employee number."))
        return None
    if len(raw) > 32 or "\x00" in raw:
        errors.setdefault(key, []).append(_("No colleague has this employee number."))
        return None
    found = db.session.scalar(select(User).where(User.employee_no == raw, User.active.is_(True)))
    if found is None:
        errors.setdefault(key, []).append(_("No colleague has this employee number."))
    return found


def officer_ids() -> list[int]:
    return holder_ids(*OFFICERS)


def officers() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.CARE_OFFICER, User.active.is_(True))
            .order_by(User.name)
        )
    )
