"""Reading a service's input (a form's data or an outbox record's): text, choices, numbers,
dates, people, the capture time, and the union's calendar day. Each helper adds its field's
message (in the user's language) to `errors` instead of raising, so one answer lists everything
that is wrong. Used by the proposals, library, safety and care services."""

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.config import LOCAL_TZ
from app.errors import ValidationFailed
from app.extensions import db
from app.models import User
from app.models._types import LocalDay
from app.models.users import typed_no


def local_zone() -> ZoneInfo:
    """The union's clock, as the app is configured (`BABEL_DEFAULT_TIMEZONE`, Shanghai by
    default): every feature's days, months and deadlines are in it. The one place that reads
    it: the helpers below, the scorecard, the forms and the daily jobs all ask here."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or LOCAL_TZ.key)


def local_today() -> date:
    return datetime.now(local_zone()).date()


def day_start(day: date) -> datetime:
    """The moment (aware, UTC) the union's `day` begins: where a day's records start."""
    return datetime.combine(day, time(), local_zone()).astimezone(UTC)


def local_date(moment: datetime) -> date:
    """The union's calendar day of an aware `moment`."""
    return moment.astimezone(local_zone()).date()


def local_day_of(moment):
    """The union's calendar day of the UTC timestamp column `moment`, in SQL, so that a query
    can count by it as `local_date(moment)` reads it in Python."""
    return LocalDay(moment, local_zone().key)


def add_error(errors: dict, key: str, message) -> None:
    errors.setdefault(key, []).append(str(message))


def missing(value, key: str, errors: dict, *, required, message) -> bool:
    """Was nothing sent (None or "")? A required field then gets `message` (which says what to
    enter), or `required` itself when that is a text; the caller returns its empty value."""
    if value not in (None, ""):
        return False
    if required:
        add_error(errors, key, asked(required, message))
    return True


def asked(required, default):
    """The message of an empty required field: `required` when it is one (what this field
    needs, "Enter a title."), else the reader's `default`. Every reader below takes either:
    `required=True` or `required=_l("Say why you do not recommend it.")`."""
    return default if required is True else required


def raw(data, key: str):
    value = data.get(key) if hasattr(data, "get") else None
    return value


class MaxLength:
    """The longest text a field takes, in characters. The services check it (`text`), so that
    a form and a record synced from a phone meet the same limit; the forms show it
    (`app.forms.shown`), so that the browser stops the typing there and the person sees it."""

    NAME = 80  # an area, a checkpoint, a group, a person
    TITLE = 120  # a hazard, a proposal, a checklist
    RULE = 200  # the rule a violation broke
    NOTE = 2000  # notes, follow-ups, instructions, summaries, reasons, opinions
    TEXT = 4000  # what a hazard or violation is; a proposal's parts, its plan and benefit


def text(data, key: str, errors: dict, *, required=False, max_len=4000) -> str:
    value = raw(data, key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        add_error(errors, key, _("This is not text."))
        return ""
    value = value.strip()
    if "\x00" in value:
        add_error(errors, key, _("This text contains a NUL character; remove it and try again."))
        return ""
    check_length(value, key, errors, required=required, max_len=max_len)
    return value


def check_length(value: str, key: str, errors: dict, *, required: bool, max_len: int) -> None:
    """A required text may not be empty (`required`: True, or the message that says what to
    write), and no text longer than `max_len`."""
    if required and not value:
        add_error(errors, key, asked(required, _l("This field is required.")))
    elif len(value) > max_len:
        add_error(errors, key, _("Use at most %(max)d characters.", max=max_len))


def choice(data, key: str, enum_cls, errors: dict, *, required=True):
    value = raw(data, key)
    if missing(value, key, errors, required=required, message=_l("Choose one.")):
        return None
    try:
        return enum_cls(str(value))
    except ValueError:
        add_error(errors, key, _("Choose one of the options given."))
        return None


# A number as a person types it: the one rule of every form field and service reader of an
# amount, a score or a count (`plain_decimal`, `plain_whole`; app/forms.py's fields use them).
# Taken: digits, perhaps a sign and a decimal point; commas between groups of three ("1,200",
# "12,345.5"); spaces around it; and what a Chinese input method types in full width: digits
# "１２００", the comma "，", the point "．" or "。", the signs "＋" "－". Refused: what Decimal
# or float() would also read but nobody means in a form ("1e3", "NaN", "Infinity", "0x10",
# "1_000", other scripts' digits), and commas that do not group thousands ("1,20" is 1.20 in
# much of Europe: a guess either way could be a hundredfold wrong).
_FULL_WIDTH = str.maketrans("０１２３４５６７８９，．。＋－", "0123456789,..+-")
PLAIN_NUMBER = re.compile(r"[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)", re.ASCII)


def plain_decimal(value) -> Decimal | None:
    """`value` (a form's text, or a number a phone sent) as a Decimal, None if it is not a
    number written out in digits as PLAIN_NUMBER says."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None
    try:
        if isinstance(value, str):
            text = value.strip().translate(_FULL_WIDTH)
        else:
            text = format(Decimal(str(value)), "f")
        if not PLAIN_NUMBER.fullmatch(text):
            return None
        return Decimal(text.replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def plain_whole(value) -> int | None:
    """`value` as a whole number by the same rule ("1,200", "１２", "12.0"); None otherwise."""
    parsed = plain_decimal(value)
    if parsed is None or parsed != parsed.to_integral_value():
        return None
    return int(parsed)


def plain_year(value) -> int | None:
    """`value` as a year written in four digits, full-width ones too ("２０２６"); None
    otherwise (a year is not written "2,026" or "2026.0")."""
    text = str(value if value is not None else "").strip().translate(_FULL_WIDTH)
    return int(text) if len(text) == 4 and text.isascii() and text.isdigit() else None


# What a Chinese keyboard types for the "-" between a code's parts: a dash (‐ ‑ ‒ – — ―, and
# "——" for shift and minus), the minus sign, or 、 (NFKC has made "－" and "﹣" a "-" already).
_DASHES = re.compile(r"[-\u2010-\u2015\u2212、]+")


def typed_code(value) -> str:
    """A code as a person typed it (a receipt code, a check-in code), read as it is written:
    full-width letters and digits as the ones they stand for (`typed_no`), upper case, no
    spaces (the full-width one neither), and each run of dashes as one "-"."""
    return _DASHES.sub("-", re.sub(r"\s", "", typed_no(value)))


def number(
    data, key: str, errors: dict, *, low, high, required=True, places=2, too_high=None
) -> Decimal | None:
    """A decimal number within [low, high]; the message names the bounds, or, above `high`,
    is `too_high(the number read)` when given."""
    value = raw(data, key)
    if isinstance(value, str):
        value = value.strip()
    if missing(value, key, errors, required=required, message=_l("This field is required.")):
        return None
    if (parsed := plain_decimal(value)) is None:
        add_error(errors, key, _("Enter a number."))
        return None
    if parsed > high and too_high is not None:
        add_error(errors, key, too_high(parsed))
        return None
    if parsed < low or parsed > high:
        add_error(errors, key, _("Enter a number from %(low)s to %(high)s.", low=low, high=high))
        return None
    return parsed.quantize(Decimal(1).scaleb(-places))


def whole(data, key: str, errors: dict, *, low, high, required=True) -> int | None:
    value = raw(data, key)
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip()
    if missing(value, key, errors, required=required, message=_l("This field is required.")):
        return None
    if (parsed := plain_whole(value)) is None:
        add_error(errors, key, _("Enter a whole number."))
        return None
    if not low <= parsed <= high:
        add_error(
            errors, key, _("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)
        )
        return None
    return parsed


# The days this app's records fall on, as the forms' date fields take them (`app.forms`,
# `day_field`): a year beyond is a slip of the finger (9999-12-31 is no deadline).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
# What a form or a service says of a day outside them, and of a year outside them.
OUTSIDE_OUR_YEARS = _l("Choose dates between the years 2000 and 2100.")
NOT_OUR_YEAR = _l("Choose a year from 2000 to 2100.")


def day(data, key: str, errors: dict, *, required=True, not_before: date | None = None):
    """A date from 2000 to 2100 (the forms' range and message), from `not_before` on if given."""
    value = raw(data, key)
    if isinstance(value, date):
        parsed = value
    elif missing(value, key, errors, required=required, message=_l("Choose a date.")):
        return None
    else:
        try:
            parsed = date.fromisoformat(str(value).strip())
        except ValueError:
            add_error(errors, key, _("This is not a valid date."))
            return None
    if not FIRST_DAY <= parsed <= LAST_DAY:
        add_error(errors, key, OUTSIDE_OUR_YEARS)
        return None
    if not_before is not None and parsed < not_before:
        add_error(errors, key, _("Choose a date from today on."))
        return None
    return parsed


def person(data, key: str, errors: dict, *, required=True) -> User | None:
    value = raw(data, key)
    if missing(value, key, errors, required=required, message=_l("Choose one.")):
        return None
    try:
        user = db.session.get(User, int(value))
    except (TypeError, ValueError):
        user = None
    if user is None or not user.active:
        add_error(errors, key, _("Choose one of the options given."))
        return None
    return user


def by_employee_no(value) -> User | None:
    """The active person of an employee number as typed (full width too: `typed_no`)."""
    number = typed_no(value)
    if not number or "\x00" in number:
        return None
    return db.session.scalar(select(User).where(User.employee_no == number, User.active.is_(True)))


def check_client_id(client_id) -> str | None:
    if client_id in (None, ""):
        return None
    try:
        return str(uuid.UUID(str(client_id)))
    except ValueError:
        raise ValidationFailed({"id": [_("This record has no valid id.")]}) from None


def moment(value) -> datetime:
    """The phone's capture time as aware UTC; missing means now, far future means a day on."""
    now = datetime.now(UTC)
    if value is None:
        return now
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationFailed({"captured_at": [_("This is not a valid time.")]}) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    return min(value.astimezone(UTC), now + timedelta(days=1))
