"""Reading what a form or an outbox record sent: each helper returns the clean value or
adds a message (in the user's language) under the field's name to `errors`.

The services check everything themselves, so a record from a phone and a form post meet the
same rules; the WTForms forms only carry CSRF and draw the fields.
"""

import re
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from app.errors import ValidationFailed

MAX_MONEY = Decimal("1000000")  # one million yuan: above any single aid, income or budget
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def local_today() -> date:
    return datetime.now(local_zone()).date()


def _add(errors: dict, key: str, message: str) -> None:
    errors.setdefault(key, []).append(str(message))


def _raw(data, key):
    value = data.get(key)
    if isinstance(value, list):  # a repeated field from the outbox: the last one counts
        value = value[-1] if value else None
    return value


def text(data, key, errors, *, required=False, max_len=200, multiline=False) -> str:
    raw = _raw(data, key)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raw = str(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else ""
    value = raw.strip()
    if multiline:
        value = value.replace("\r\n", "\n")
    bad = _CONTROL.search(value) or (not multiline and ("\n" in value or "\t" in value))
    if bad:
        _add(errors, key, _("Remove the control characters from this text."))
        return ""
    if required and not value:
        _add(errors, key, _("This field is required."))
    elif len(value) > max_len:
        _add(errors, key, _("Use at most %(max)d characters.", max=max_len))
        return value[:max_len]
    return value


def money(data, key, errors, *, required=False, maximum=MAX_MONEY) -> Decimal:
    """An amount in yuan: 0 or more, at most two decimals, below `maximum`."""
    raw = _raw(data, key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            _add(errors, key, _("Enter an amount in yuan."))
        return Decimal(0)
    if isinstance(raw, bool):
        raw = "x"
    try:
        value = Decimal(str(raw).strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        _add(errors, key, _("Enter an amount in yuan, such as 500 or 1200.50."))
        return Decimal(0)
    if not value.is_finite():
        _add(errors, key, _("Enter an amount in yuan, such as 500 or 1200.50."))
    elif value < 0:
        _add(errors, key, _("The amount cannot be negative."))
    elif value > maximum:
        _add(errors, key, _("The amount cannot exceed %(max)s yuan.", max=f"{maximum:,.0f}"))
    elif value != value.quantize(Decimal("0.01")):
        _add(errors, key, _("Use at most two decimal places."))
    else:
        return value.quantize(Decimal("0.01"))
    return Decimal(0)


def integer(data, key, errors, *, low, high, required=False) -> int | None:
    raw = _raw(data, key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            _add(errors, key, _("This field is required."))
        return None
    try:
        value = int(str(raw).strip()) if not isinstance(raw, bool) else None
    except ValueError:
        value = None
    if value is None:
        _add(errors, key, _("Enter a whole number."))
    elif not low <= value <= high:
        _add(errors, key, _("Enter a number from %(low)d to %(high)d.", low=low, high=high))
        return None
    return value


def day(data, key, errors, *, required=True, not_after=None, not_before=None) -> date | None:
    raw = _raw(data, key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            _add(errors, key, _("Enter a date."))
        return None
    try:
        value = date.fromisoformat(str(raw).strip())
    except ValueError:
        _add(errors, key, _("Enter a date such as 2026-01-20."))
        return None
    if value.year < 1990:
        _add(errors, key, _("Enter a date such as 2026-01-20."))
        return None
    if not_after is not None and value > not_after:
        _add(errors, key, _("This date cannot be later than %(day)s.", day=not_after.isoformat()))
        return None
    if not_before is not None and value < not_before:
        _add(
            errors, key, _("This date cannot be earlier than %(day)s.", day=not_before.isoformat())
        )
        return None
    return value


def choice(data, key, enum_cls, errors, *, required=True):
    raw = _raw(data, key)
    if raw in (None, ""):
        if required:
            _add(errors, key, _("Choose one."))
        return None
    try:
        return enum_cls(str(raw))
    except ValueError:
        _add(errors, key, _("Choose one of the options given."))
        return None


def row_id(data, key, errors, *, required=True) -> int | None:
    raw = _raw(data, key)
    if raw in (None, ""):
        if required:
            _add(errors, key, _("Choose one."))
        return None
    try:
        value = int(str(raw))
    except ValueError:
        value = 0
    if not 0 < value < 2**31:
        _add(errors, key, _("Choose one of the options given."))
        return None
    return value


def client_id(value) -> str | None:
    if value in (None, ""):
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ValidationFailed({"id": [_("This record has no valid id.")]}) from None


def recent(today: date, days: int = 400) -> date:
    return today - timedelta(days=days)
