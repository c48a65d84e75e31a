"""Logging in, with failed attempts limited per account and per address."""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import ValidationFailed
from app.extensions import db
from app.models import LoginAttempt, User
from app.models._types import utcnow
from app.services import audit


@dataclass
class LoginResult:
    user: User | None = None
    error: str | None = None
    throttled: bool = False


def _recent_failures(column, value) -> int:
    since = utcnow() - current_app.config["LOGIN_WINDOW"]
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since
        )
    )


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a real password")


def authenticate(employee_no: str, password: str, address: str) -> LoginResult:
    """Check the credentials and record the attempt (flushed: the caller commits, whatever
    the result, so that a failed attempt counts).

    Unknown numbers and wrong passwords get the same message, so the form does not tell
    which employee numbers exist. A paused account or address is refused before the password
    is checked, so guessing gains nothing while paused.
    """
    employee_no = employee_no.strip()
    config = current_app.config
    minutes = int(config["LOGIN_WINDOW"].total_seconds() // 60)
    if (
        _recent_failures(LoginAttempt.employee_no, employee_no)
        >= config["LOGIN_MAX_FAILURES_ACCOUNT"]
        or _recent_failures(LoginAttempt.address, address) >= config["LOGIN_MAX_FAILURES_ADDRESS"]
    ):
        return LoginResult(
            error=_(
                "Too many failed attempts. Please wait %(minutes)d minutes and try again.",
                minutes=minutes,
            ),
            throttled=True,
        )

    user = User.by_employee_no(employee_no)
    if user is None:
        # Spend the same time as a real check, so timing does not tell which numbers exist.
        check_password_hash(_dummy_hash(), password)
    ok = user is not None and user.check_password(password)
    db.session.add(
        LoginAttempt(employee_no=employee_no[:32], address=address, succeeded=ok and user.active)
    )
    if not ok:
        return LoginResult(error=_("Wrong employee number or password."))
    if not user.active:
        return LoginResult(
            error=_("This account has been deactivated. Please contact the union office.")
        )
    user.last_login_at = utcnow()
    # Attempts older than a day count for nothing any more; keep the table small.
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - timedelta(days=1)))
    audit.record("auth.login", user, actor=user, summary=user.employee_no)
    return LoginResult(user=user)


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password. Raises ValidationFailed when the current one is wrong or the new
    one is the same."""
    if not user.check_password(current):
        raise ValidationFailed.on("current_password", _("The current password is wrong."))
    if current == new:
        raise ValidationFailed.on(
            "new_password", _("Choose a password different from the current one.")
        )
    user.set_password(new)
    user.must_change_password = False
    audit.record("auth.password_changed", user, summary=user.employee_no)
