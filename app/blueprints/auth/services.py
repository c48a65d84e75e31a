"""Logging in, with failed attempts limited per account and per address."""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import delete
from werkzeug.security import check_password_hash, generate_password_hash

from app.blueprints.auth import throttle
from app.errors import ValidationFailed
from app.extensions import db
from app.models import LoginAttempt, User
from app.models._types import utcnow
from app.models.users import typed_no
from app.services import audit


@dataclass
class LoginResult:
    user: User | None = None
    error: str | None = None
    throttled: bool = False


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a real password")


def _wait_message(wait: timedelta) -> str:
    seconds = int(wait.total_seconds() + 0.999)
    if seconds < 120:
        return _(
            "Too many failed attempts. Please wait %(seconds)d seconds and try again.",
            seconds=seconds,
        )
    return _(
        "Too many failed attempts. Please wait %(minutes)d minutes and try again.",
        minutes=(seconds + 59) // 60,
    )


def authenticate(employee_no: str, password: str, address: str) -> LoginResult:
    """Check the credentials and record the attempt (flushed: the caller commits, whatever
    the result, so that a failed attempt counts).

    Unknown numbers and wrong passwords get the same message, so the form does not tell
    which employee numbers exist. Each guess first takes its turn (`throttle.reserve`): while
    a key waits, the password is not checked, so guessing gains nothing.
    """
    employee_no = typed_no(employee_no)[:32]  # one number, one throttle, however typed
    keys = throttle.keys_for(employee_no, address, throttle.known_device(employee_no))
    if (wait := throttle.reserve(keys)) is not None:
        return LoginResult(error=_wait_message(wait), throttled=True)

    user = User.by_employee_no(employee_no)
    if user is None:
        # Spend the same time as a real check, so timing does not tell which numbers exist.
        check_password_hash(_dummy_hash(), password)
    ok = user is not None and user.check_password(password)
    db.session.add(
        LoginAttempt(employee_no=employee_no, address=address, succeeded=ok and user.active)
    )
    if not ok:
        return LoginResult(error=_("Wrong employee number or password."))
    if not user.active:
        return LoginResult(
            error=_("This account has been deactivated. Please contact the union office.")
        )
    throttle.give_back(keys)
    user.last_login_at = utcnow()
    # Attempts older than a day count for nothing any more; keep the tables small.
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - timedelta(days=1)))
    throttle.forget_old()
    audit.record("auth.login", user, actor=user, summary=user.employee_no)
    return LoginResult(user=user)


def end_sessions(user: User) -> None:
    """Sign the account out everywhere: every session and remember-me token now fails (the
    session id carries the version). The caller commits."""
    user.session_version = (user.session_version or 0) + 1


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
