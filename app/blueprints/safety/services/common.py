"""Helpers shared by the safety services: errors, input parsing, the local calendar."""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from app.errors import Conflict, Refused, ValidationFailed
from app.extensions import db

__all__ = ["ValidationFailed", "Refused", "Conflict", "MaxLength"]


class MaxLength:
    """The longest text a field takes, in characters. The services check it, so that a form
    and a record synced from a phone meet the same limit; the forms read it for `maxlength`."""

    NAME = 80  # an area, a checkpoint, a group, a person
    TITLE = 120  # a hazard, a suggestion, a checklist
    RULE = 200  # the rule a violation broke
    NOTE = 2000  # notes, follow-ups, instructions, summaries, what an area or checkpoint is
    TEXT = 4000  # what a hazard or violation is, a suggestion and its answer


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def local_today() -> date:
    return datetime.now(local_zone()).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


def text(
    data, key: str, errors: dict, *, required=False, max_len=MaxLength.TEXT, label=None
) -> str:
    value = (data.get(key) or "").strip() if isinstance(data.get(key) or "", str) else ""
    if required and not value:
        errors.setdefault(key, []).append(_("This field is required."))
    elif len(value) > max_len:
        errors.setdefault(key, []).append(_("Use at most %(max)d characters.", max=max_len))
    return value


def choice(data, key: str, enum_cls, errors: dict, *, required=True):
    raw = (data.get(key) or "").strip() if isinstance(data.get(key), str) else data.get(key)
    if not raw:
        if required:
            errors.setdefault(key, []).append(_("Choose one."))
        return None
    try:
        return enum_cls(raw)
    except ValueError:
        errors.setdefault(key, []).append(_("Choose one of the options given."))
        return None


def record_id(data, key: str, model, errors: dict, *, required=True, where=None):
    """The row of `model` whose id is in `data[key]`, or an error for the field."""
    raw = data.get(key)
    if raw in (None, ""):
        if required:
            errors.setdefault(key, []).append(_("Choose one."))
        return None
    try:
        row = db.session.get(model, int(raw))
    except (TypeError, ValueError):
        row = None
    if row is None or (where is not None and not where(row)):
        errors.setdefault(key, []).append(_("Choose one of the options given."))
        return None
    return row


def check_client_id(client_id) -> str | None:
    if client_id in (None, ""):
        return None
    try:
        return str(uuid.UUID(str(client_id)))
    except ValueError:
        raise ValidationFailed({"id": [_("This record has no valid id.")]}) from None


def moment(value, *, default=None) -> datetime:
    """A capture time from the phone, as aware UTC; naive or missing means now."""
    if value is None:
        return default or datetime.now(UTC)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationFailed({"captured_at": [_("This is not a valid time.")]}) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    value = value.astimezone(UTC)
    # A phone clock far in the future would put records in the wrong week; trust it no further
    # than a day ahead.
    now = datetime.now(UTC)
    return min(value, now + timedelta(days=1))
