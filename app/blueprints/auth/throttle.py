"""Limiting log-in guesses: per account, per address and per (account, address), atomically,
with growing delays instead of a lock-out a stranger could set off.

Each guess first reserves its turn under every key that applies, with one conditional
UPDATE per key (`… WHERE next_at <= now`): racing guesses queue on the row and each is
counted, so 40 parallel guesses get the free ones and then wait, never 40 checks. A reserved
turn counts as a failure until the password proves right, when it is given back.

Keys and their allowances (failures in the window before delays start):
- the pair (this account from this address): `LOGIN_MAX_FAILURES_ACCOUNT`, then delays
  doubling from 30 s up to the window;
- the account from anywhere, and the address for any account: their own allowances, then
  delays doubling from 15 s up to one minute, so a stranger can slow a worker down a little
  but never lock them out;
- a phone that has logged in to the account before carries a signed "known device" cookie
  and is held only by its own pair key: guesses from elsewhere do not slow it at all.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import case, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import LoginThrottle
from app.models._types import utcnow

DEVICE_COOKIE = "known_device"


@dataclass(frozen=True)
class Key:
    name: str
    free: int  # failures in the window before delays start
    first_delay: timedelta
    max_delay: timedelta

    def delay(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(self.first_delay * 2 ** (failures - self.free), self.max_delay)


def keys_for(employee_no: str, address: str, known_device: bool) -> list[Key]:
    config = current_app.config
    window = config["LOGIN_WINDOW"]
    keys = [
        Key(
            f"pair:{employee_no}|{address}",
            config["LOGIN_MAX_FAILURES_ACCOUNT"],
            timedelta(seconds=30),
            window,
        )
    ]
    if not known_device:
        short = (timedelta(seconds=15), timedelta(minutes=1))
        keys.append(Key(f"account:{employee_no}", config["LOGIN_MAX_FAILURES_SPREAD"], *short))
        keys.append(Key(f"address:{address}", config["LOGIN_MAX_FAILURES_ADDRESS"], *short))
    return sorted(keys, key=lambda k: k.name)  # one lock order: racing guesses never deadlock


def _ensure_rows(names: list[str], now: datetime) -> None:
    dialect = db.session.get_bind().dialect.name
    values = [{"key": n, "failures": 0, "next_at": now, "last_at": now} for n in names]
    make_insert = pg_insert if dialect == "postgresql" else sqlite_insert  # the app's two
    db.session.execute(make_insert(LoginThrottle).values(values).on_conflict_do_nothing())


def reserve(keys: list[Key]) -> timedelta | None:
    """Take a turn under every key and commit; None when granted, else how long to wait."""
    now = utcnow()
    window_start = now - current_app.config["LOGIN_WINDOW"]
    _ensure_rows([k.name for k in keys], now)
    wait = None
    for key in keys:
        failures = db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key.name, LoginThrottle.next_at <= now)
            .values(
                failures=case(
                    (LoginThrottle.last_at < window_start, 1),
                    else_=LoginThrottle.failures + 1,
                ),
                last_at=now,
            )
            .returning(LoginThrottle.failures)
        ).scalar()
        if failures is None:
            next_at = db.session.scalar(
                select(LoginThrottle.next_at).where(LoginThrottle.key == key.name)
            )
            wait = max(wait or timedelta(0), (next_at or now) - now)
            break
        db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key.name)
            .values(next_at=now + key.delay(failures))
        )
    if wait is not None:
        db.session.rollback()  # a refused guess takes no turn anywhere
        return max(wait, timedelta(seconds=1))
    db.session.commit()
    return None


def give_back(keys: list[Key]) -> None:
    """The password was right: the turn was no failure. The caller commits."""
    now = utcnow()
    names = [k.name for k in keys]
    pair = [n for n in names if n.startswith("pair:")]
    db.session.execute(
        update(LoginThrottle).where(LoginThrottle.key.in_(pair)).values(failures=0, next_at=now)
    )
    others = [n for n in names if not n.startswith("pair:")]
    if others:
        db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key.in_(others), LoginThrottle.failures > 0)
            .values(failures=LoginThrottle.failures - 1)
        )


def forget_old() -> None:
    """Throttles quiet for a day count for nothing any more; keep the table small."""
    db.session.execute(
        LoginThrottle.__table__.delete().where(LoginThrottle.last_at < utcnow() - timedelta(days=1))
    )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="known-device")


def known_device(employee_no: str) -> bool:
    """Whether this browser has logged in to this account before (a signed cookie says so)."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return False
    try:
        numbers = _serializer().loads(raw)
    except BadSignature:
        return False
    return isinstance(numbers, list) and employee_no in numbers


def remember_device(response, employee_no: str) -> None:
    numbers = []
    raw = request.cookies.get(DEVICE_COOKIE)
    if raw:
        try:
            numbers = [n for n in _serializer().loads(raw) if isinstance(n, str)]
        except (BadSignature, TypeError):
            numbers = []
    numbers = [n for n in numbers if n != employee_no][-4:] + [employee_no]  # shared phones
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(numbers),
        max_age=int(timedelta(days=365).total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
