"""Reading what a form or an outbox record sent: each helper returns the clean value or
adds a message (in the user's language) under the field's name to `errors`.

The services check everything themselves, so a record from a phone and a form post meet the
same rules; the WTForms forms only carry CSRF and draw the fields.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.services import inputs
from app.services.inputs import (
    add_error,
    check_length,
    local_date,
    missing,
    plain_decimal,
    plain_whole,
)
from app.services.inputs import local_today as local_today
from app.services.inputs import local_zone as local_zone
from app.services.users import PHONE

FIRST_DAY = date(1990, 1, 1)  # the earliest date any care record can carry
MAX_MONEY = Decimal("1000000")  # one million yuan: above any single aid, income or budget
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _raw(data, key):
    value = data.get(key)
    if isinstance(value, list):  # a repeated field from the outbox: the last one counts
        value = value[-1] if value else None
    return value


def _blank(raw):
    """`raw`, with text of only spaces as "" (nothing sent)."""
    return raw.strip() if isinstance(raw, str) else raw


def text(data, key, errors, *, required=None, max_len=200, multiline=False) -> str:
    """`required`: what to enter, said at the field when it is left empty (a required text
    names what it wants, never a bare "this field is required"); None: it may be empty."""
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
        add_error(errors, key, _("Remove the control characters from this text."))
        return ""
    if missing(value, key, errors, required=required is not None, message=required):
        return ""
    check_length(value, key, errors, required=False, max_len=max_len)
    return value[:max_len]


def money(data, key, errors, *, required=False, maximum=MAX_MONEY) -> Decimal:
    """An amount in yuan: 0 or more, at most two decimals, below `maximum`."""
    raw = _raw(data, key)
    if missing(_blank(raw), key, errors, required=required, message=_l("Enter an amount in yuan.")):
        return Decimal(0)
    if (value := plain_decimal(raw)) is None:
        add_error(errors, key, _("Enter an amount in yuan, such as 500 or 1200.50."))
    elif value < 0:
        add_error(errors, key, _("The amount cannot be negative."))
    elif value > maximum:
        add_error(errors, key, _("The amount cannot exceed %(max)s yuan.", max=f"{maximum:,.0f}"))
    elif value != value.quantize(Decimal("0.01")):
        add_error(errors, key, _("Use at most two decimal places."))
    else:
        return value.quantize(Decimal("0.01"))
    return Decimal(0)


def integer(data, key, errors, *, low, high, required=None) -> int | None:
    """`required`: what to enter, said when nothing is (as for `text`); None: optional."""
    raw = _raw(data, key)
    if missing(_blank(raw), key, errors, required=required is not None, message=required):
        return None
    if (value := plain_whole(raw)) is None:
        add_error(errors, key, _("Enter a whole number."))
    elif not low <= value <= high:
        add_error(errors, key, _("Enter a number from %(low)d to %(high)d.", low=low, high=high))
        return None
    return value


def day(data, key, errors, *, required=True, not_after=None, not_before=None) -> date | None:
    raw = _raw(data, key)
    if missing(_blank(raw), key, errors, required=required, message=_l("Enter a date.")):
        return None
    try:
        value = date.fromisoformat(str(raw).strip())
    except ValueError:
        add_error(errors, key, _("Enter a date such as 2026-01-20."))
        return None
    if value < FIRST_DAY:  # well formed, but before any record: say the range it must be in
        first = max(not_before or FIRST_DAY, FIRST_DAY).isoformat()
        if not_after is None:
            message = _("This date cannot be earlier than %(day)s.", day=first)
        else:
            message = _("Enter a date from %(first)s to %(last)s.", first=first, last=not_after)
        add_error(errors, key, message)
        return None
    if not_after is not None and value > not_after:
        add_error(
            errors, key, _("This date cannot be later than %(day)s.", day=not_after.isoformat())
        )
        return None
    if not_before is not None and value < not_before:
        add_error(
            errors, key, _("This date cannot be earlier than %(day)s.", day=not_before.isoformat())
        )
        return None
    return value


def phone(data, key, errors) -> str:
    """A phone number, or "" when none is given: it becomes a tel: link on the file."""
    value = text(data, key, errors, max_len=32)
    if value and not PHONE.match(value):
        add_error(
            errors,
            key,
            _("Enter a phone number of 7 to 15 digits; spaces, +, - and brackets may be used."),
        )
        return ""
    return value


def choice(data, key, enum_cls, errors, *, required=True):
    """The shared `choice` rule, read from the last value sent."""
    return inputs.choice({key: _raw(data, key)}, key, enum_cls, errors, required=required)


def row_id(data, key, errors, *, required=True) -> int | None:
    raw = _raw(data, key)
    if missing(raw, key, errors, required=required, message=_l("Choose one.")):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        value = 0
    if not 0 < value < 2**31:
        add_error(errors, key, _("Choose one of the options given."))
        return None
    return value


def recent(today: date, days: int = 400) -> date:
    return today - timedelta(days=days)


def care_time(moment) -> str:
    """A stored (UTC) moment as the Beijing time people read: 2026-12-07 09:53 ("—" if none)."""
    return moment.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M") if moment else "—"


def care_day(moment) -> str:
    """The Beijing day of a UTC moment (an upload, a proposal), not its UTC day."""
    return local_date(moment).isoformat() if moment else "—"
