"""Where a person stands on each required qualification, and the verdict for a post.

The verdict is computed in one place for the server (`verdict`) and from the same data on the
phone (gate-check.js reads `queries.kit_payload`): a post may be worked by someone who holds,
for every type the post requires, a qualification that is not revoked and not expired on the
day.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from app.extensions import db
from app.models.gate import CheckResult, Qualification, QualificationType
from app.services.inputs import local_date

EXPIRY_DAYS = 30


@dataclass(frozen=True)
class TypeStatus:
    """The best a person holds of one type: valid until a day (None: for good), or revoked."""

    until: date | None
    revoked: str | None = None  # the reason, when every qualification of the type is revoked


def statuses(
    user_ids, on: date | None = None, at: datetime | None = None
) -> dict[int, dict[int, TypeStatus]]:
    """user id -> type id -> TypeStatus, for the types each person has any qualification of;
    `on` a past day: as it stood then (issued by then, revoked only when revoked by then);
    `at` a past moment: as it stood then (issued by its day, revoked only before it)."""
    if at is not None:
        on = local_date(at)
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    rows = db.session.execute(_statuses_statement(on is not None), {"ids": user_ids, "on": on})
    best: dict[int, dict[int, TypeStatus]] = defaultdict(dict)
    for user_id, type_id, until, revoked_at, reason in rows:
        have = best[user_id].get(type_id)
        if revoked_at is not None and _revoked_by(revoked_at, on, at):
            if have is None:
                best[user_id][type_id] = TypeStatus(until, reason or "")
            continue
        if have is None or have.revoked is not None or _later(until, have.until):
            best[user_id][type_id] = TypeStatus(until)
    return best


@cache
def _statuses_statement(on_a_day: bool):
    """Built once a process for each shape: the home card asks it (app/blueprints/README.md)."""
    query = select(
        Qualification.user_id,
        Qualification.type_id,
        Qualification.valid_until,
        Qualification.revoked_at,
        Qualification.revoke_reason,
    ).where(Qualification.user_id.in_(bindparam("ids", expanding=True)))
    if on_a_day:
        query = query.where(Qualification.issued_on <= bindparam("on"))
    return query


def _revoked_by(revoked_at: datetime, on: date | None, at: datetime | None) -> bool:
    if at is not None:
        return revoked_at <= at
    return on is None or local_date(revoked_at) <= on


def _later(a: date | None, b: date | None) -> bool:
    return b is not None and (a is None or a > b)


@dataclass(frozen=True)
class Problem:
    kind: str  # "missing", "expired", "revoked"; "expiring": valid, but runs out on `until`
    type_name: str
    until: date | None = None
    reason: str = ""

    @property
    def text(self) -> str:
        if self.kind == "expired":
            return _("%(type)s: expired %(date)s", type=self.type_name, date=self.until.isoformat())
        if self.kind == "revoked":
            return _("%(type)s: revoked (%(reason)s)", type=self.type_name, reason=self.reason)
        if self.kind == "expiring":
            return _("%(type)s: expires %(date)s", type=self.type_name, date=self.until.isoformat())
        return _("%(type)s: missing", type=self.type_name)


@dataclass
class Verdict:
    allowed: bool
    problems: list[Problem] = field(default_factory=list)
    expires_on: date | None = None  # the first required qualification to run out, if any
    # The required qualifications that run out (kind "expiring"), soonest first.
    runs_out: list[Problem] = field(default_factory=list)

    @property
    def result(self) -> CheckResult:
        return CheckResult.ALLOWED if self.allowed else CheckResult.REFUSED

    @property
    def reason(self) -> str:
        return _("; ").join(p.text for p in self.problems)  # Chinese: "；"

    def expiring(self, today: date) -> bool:
        """Allowed, but a required qualification runs out within EXPIRY_DAYS of `today`: the
        report lists it, and the check says it beside the verdict."""
        horizon = today + timedelta(days=EXPIRY_DAYS)
        return self.allowed and self.expires_on is not None and self.expires_on <= horizon

    def expiring_ones(self, today: date) -> list[Problem]:
        """Which required qualifications run out within EXPIRY_DAYS, and when: the check names
        them under the verdict."""
        horizon = today + timedelta(days=EXPIRY_DAYS)
        return [p for p in self.runs_out if p.until <= horizon] if self.allowed else []


def verdict(held: dict[int, TypeStatus], required: list[QualificationType], today: date):
    """May a person holding `held` work a post requiring `required` on `today`?"""
    problems, runs_out = [], []
    for qtype in required:
        status = held.get(qtype.id)
        if status is None:
            problems.append(Problem("missing", qtype.name))
        elif status.revoked is not None:
            problems.append(Problem("revoked", qtype.name, status.until, status.revoked))
        elif status.until is not None and status.until < today:
            problems.append(Problem("expired", qtype.name, status.until))
        elif status.until is not None:
            runs_out.append(Problem("expiring", qtype.name, status.until))
    runs_out.sort(key=lambda p: (p.until, p.type_name))
    return Verdict(not problems, problems, runs_out[0].until if runs_out else None, runs_out)
