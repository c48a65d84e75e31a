"""Check-in codes and the check-in itself.

A participant's code is `<participation id>-<6 letters>`, the letters an HMAC of the
participation, its activity and its person under the app's secret: short enough to type,
impossible to forge, and checked without a table of codes. The QR code carries the same text.

The letters are the HMAC's first 6 in base32 (A–Z, 2–7), with those a reader could take for
a digit written as digits base32 has not: O as 8, I and L as 9 (38-SO5DOB is 38-S85D8B). A
code is read back alike (`letters`): a 0 or O typed is 8, a 1, I or L is 9. So a code shown
before (38-SO5DOB, on a screenshot or a phone's copy of the page) still checks in, typed as
printed or with the digit it looks like.
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.blueprints.activities.queries import can_manage
from app.errors import Refused
from app.extensions import db
from app.guards import parse_id
from app.models import User
from app.models._types import utcnow
from app.models.activities import Activity, Participation, ParticipationStatus
from app.services import audit
from app.services.inputs import typed_code

# The door opens two hours before the start (people arrive early, a long queue moves in) and
# closes at the end: a check-in is the record that someone came.
OPENS_BEFORE = timedelta(hours=2)

CODE = re.compile(r"^(?:WH-CHECKIN:)?([0-9]{1,12})-?([A-Z0-9]{6})$")
PLAIN = str.maketrans("0O1IL", "88999")  # checkin-scanner.js's PLAIN


def _signature(participation_id: int, activity_id: int, user_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"checkin:{participation_id}:{activity_id}:{user_id}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:6].translate(PLAIN)


def code_for(participation: Participation) -> str:
    """The code a participant shows (QR) or reads out (typed) at the door."""
    sig = _signature(participation.id, participation.activity_id, participation.user_id)
    return f"{participation.id}-{sig}"


def code_digest(code: str) -> str:
    """What the check-in page carries of a code, so that its script tells the code from a
    mistyped one without the server (checkin-scanner.js hashes the typed code alike): the first
    8 hex digits of the SHA-256 of the code as `code_for` writes it."""
    return hashlib.sha256(code.encode()).hexdigest()[:8]


def checkin_people(activity: Activity) -> dict[str, list]:
    """{participation id: [name, checked in?]} of the confirmed places, for the check-in page:
    the number is the first part of a person's code. A checked-in person's has the digest of
    their code too, so that the page says 已签到过 to their code alone and 签到码无效 to the
    same number with other letters, offline too.

    Only theirs: trying every 6 letters against a digest finds the code in minutes, and a used
    code checks no one in again. An unused code stays off the page; the server refuses it
    mistyped (at once online, when sent offline)."""
    rows = db.session.execute(
        select(
            Participation.id,
            Participation.activity_id,
            Participation.user_id,
            User.name,
            Participation.checked_in_at.is_not(None),
        )
        .join(Participation.user)
        .where(
            Participation.activity_id == activity.id,
            Participation.status == ParticipationStatus.CONFIRMED,
        )
    )
    return {
        str(pid): [name, True, code_digest(f"{pid}-{_signature(pid, activity_id, user_id)}")]
        if checked
        else [name, False]
        for pid, activity_id, user_id, name, checked in rows
    }


def letters(code: str) -> tuple[str, str] | None:
    """A code as typed (a Chinese input method's full width too: `typed_code`) as its number
    and its letters as `code_for` writes them, or None when it is no check-in code."""
    if (match := CODE.match(typed_code(code))) is None:
        return None
    return match.group(1), match.group(2).translate(PLAIN)


@dataclass
class CheckInResult:
    """`status` is created (checked in now), duplicate (this record was handled before),
    already (the person was checked in before, by another scan: the same fact, nothing
    changed) or invalid (nothing changed; `errors` says why)."""

    status: str
    participation: Participation | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return " ".join(m for messages in self.errors.values() for m in messages)


def _replayed(done: Participation, activity: Activity, code: str) -> CheckInResult:
    parts = letters(code)
    same = parts is not None and "-".join(parts) == code_for(done)
    if same and done.activity_id == activity.id:
        return CheckInResult("duplicate", done)
    return CheckInResult(
        "conflict",
        done,
        {"code": [_("This record was already used to check in someone else.")]},
    )


def _invalid(message: str, participation=None) -> CheckInResult:
    return CheckInResult("invalid", participation, {"code": [message]})


def checkin_opens_at(activity: Activity) -> datetime:
    return activity.starts_at - OPENS_BEFORE


def checkin_is_open(activity: Activity, at: datetime | None = None) -> bool:
    """Whether a code scanned at `at` (now when None) falls within the check-in window."""
    at = at or utcnow()
    return checkin_opens_at(activity) <= at <= activity.ends_at


def window_message(activity: Activity) -> str:
    return _(
        "Check-in is open from 2 hours before the start until the end: %(opens)s to %(ends)s.",
        opens=format_datetime(checkin_opens_at(activity), "short"),
        ends=format_datetime(activity.ends_at, "short"),
    )


def check_in(
    organizer: User,
    activity: Activity,
    code: str,
    client_id: str | None = None,
    captured_at: datetime | None = None,
) -> CheckInResult:
    """Check a participant in by their code; idempotent. Flushes; the caller commits.

    The same `client_id` (an outbox record id) again gives `duplicate` and changes nothing;
    the same `client_id` with another code or activity gives `conflict`. The code of someone
    already checked in (shown twice at the door, or scanned on two phones) gives `already`
    and changes nothing: the first check-in stands. A code of another activity, a forged or
    mistyped code, and a waitlisted or cancelled place give `invalid` with the reason, and
    change nothing.
    """
    if not can_manage(organizer):
        raise Refused(_("Only union organizers can check people in."))
    if client_id:
        done = db.session.scalar(
            select(Participation).where(Participation.checkin_client_id == client_id)
        )
        if done is not None:
            return _replayed(done, activity, code)
    parts = letters(code)
    if not parts:
        return _invalid(_("This is not a check-in code. Codes look like 12-ABCDEF."))
    participation_id = parse_id(parts[0])
    participation = db.session.get(Participation, participation_id) if participation_id else None
    if participation is None or not hmac.compare_digest(
        parts[1],
        _signature(participation.id, participation.activity_id, participation.user_id),
    ):
        return _invalid(_("This code is not valid. Check it for typing mistakes."))
    if participation.activity_id != activity.id:
        return _invalid(
            _(
                "This code is for another activity: %(title)s.",
                title=participation.activity.title,
            )
        )
    name = participation.user.name
    if activity.is_cancelled:
        return _invalid(_("This activity has been cancelled."))
    # Judged by when the code was scanned: an offline scan at the door syncs later. A phone
    # clock ahead of the server's cannot put a scan in the future.
    now = utcnow()
    scanned_at = min(captured_at, now) if captured_at else now
    if not checkin_is_open(activity, scanned_at):
        return _invalid(window_message(activity), participation)
    if participation.status is not ParticipationStatus.CONFIRMED:
        return _invalid(
            _(
                "%(name)s has no place in this activity (%(status)s).",
                name=name,
                status=participation.status.label,
            ),
            participation,
        )
    # Conditional, so that two scans of one code at the same moment check in only once. In a
    # savepoint, so that a clash undoes this statement only, not the caller's transaction
    # (the sync endpoint handles a whole batch in one).
    try:
        with db.session.begin_nested():
            changed = db.session.execute(
                update(Participation)
                .where(Participation.id == participation.id, Participation.checked_in_at.is_(None))
                .values(
                    checked_in_at=scanned_at,  # when they were at the door
                    checked_in_by_id=organizer.id,
                    checkin_client_id=client_id or None,
                    checkin_captured_at=captured_at,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
    except IntegrityError:
        # The same outbox record sent twice at once: the other request recorded it.
        done = db.session.scalar(
            select(Participation).where(Participation.checkin_client_id == client_id)
        )
        return _replayed(done, activity, code)
    if not changed:
        db.session.refresh(participation)
        return CheckInResult("already", participation)
    audit.record("activity.checked_in", activity, actor=organizer, summary=name)
    db.session.flush()
    db.session.refresh(participation)
    return CheckInResult("created", participation)
