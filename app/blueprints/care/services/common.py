"""What every care service shares: who may do what, finding people by employee number, and
how an audit entry names a file, a recipient or a request."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
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


# An audit summary names what it is about by number, never by whose it is: the admins read
# the audit list, where a needy worker's name does not belong. A care officer finds the
# file (困难职工档案 #12) or the recipient (发放对象 #45) by its number.
def about_file(file, what=None):
    """档案 #12, or 档案 #12 · `what` (a label, a relation, what was given)."""
    if what is None:
        return _l("File #%(id)d", id=file.id)
    return _l("File #%(id)d · %(what)s", id=file.id, what=what)


def about_recipient(recipient):
    """夏送清凉 · 发放对象 #45: the campaign by its title, the recipient by number."""
    return _l(
        "%(campaign)s · recipient #%(id)d", campaign=recipient.campaign.title, id=recipient.id
    )


def about_recipients_added(campaign, count: int):
    """夏送清凉 · 3 名发放对象: the campaign by its title and how many recipients it was given
    (a count; one recipient is written by number, 发放对象 #45)."""
    return lazy_ngettext(
        "%(campaign)s · %(num)d recipient",
        "%(campaign)s · %(num)d recipients",
        count,
        campaign=campaign.title,
    )


def about_targets_added(plan, count: int):
    """春节走访 · 3 份档案: the visit plan by its title and how many files it was given."""
    return lazy_ngettext(
        "%(plan)s · %(num)d file", "%(plan)s · %(num)d files", count, plan=plan.title
    )


def about_aid(request, what=None):
    """大事互助 #7, or 大事互助 #7 · `what`: never the officer's note (it names people)."""
    if what is None:
        return _l("Mutual-aid request #%(id)d", id=request.id)
    return _l("Mutual-aid request #%(id)d · %(what)s", id=request.id, what=what)
