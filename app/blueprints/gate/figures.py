"""The gate's figure on the 建家 scorecard: the share of post holders who may work on their
post(s), judged by the gate's own verdict (`standing.verdict`) as of the period's end (today
for the current period, where it is the gate report's own count)."""

from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import User
from app.models.gate import PostHolder
from app.scorecard import Row, days, department_ids, percent, value
from app.services.inputs import local_date

from . import queries, standing


def _past_report(ids, day) -> list[tuple[User, bool]]:
    """(holder, may work on every post they held) on a past `day`, for today's posts and
    their requirements."""
    posts = {p.id: p for p in db.session.scalars(queries.posts_query(ids)).unique()}
    holders = [
        h
        for h in db.session.scalars(
            select(PostHolder)
            .join(User, User.id == PostHolder.user_id)
            .where(PostHolder.post_id.in_(list(posts) or [-1]), User.active.is_(True))
            .options(joinedload(PostHolder.user))
        )
        if (h.since or local_date(h.created_at)) <= day
    ]
    held = standing.statuses({h.user_id for h in holders}, on=day)
    allowed: dict[int, bool] = {}
    people = {}
    for h in holders:
        people[h.user_id] = h.user
        ok = standing.verdict(held.get(h.user_id, {}), posts[h.post_id].required_types, day)
        allowed[h.user_id] = allowed.get(h.user_id, True) and ok.allowed
    return [(people[i], allowed[i]) for i in people]


def _judged_on(year, month, department):
    """(the day the holders are judged on: the period's last day or today, whichever is
    earlier; None for a period still to come, today, the department's ids)."""
    first, after = days(year, month)
    today = queries.local_today()
    if first > today:
        return None, today, None
    ids = department_ids(department)
    return min(after - timedelta(days=1), today), today, set(ids) if ids is not None else None


def qualified_workers(year, month, department):
    """One row per post holder (each person once), counted when they may work on every post
    they hold, as of the period's last day or today, whichever is earlier."""
    day, today, ids = _judged_on(year, month, department)
    if day is None:
        return []
    if day >= today:
        reports = queries.report(ids, today)
        refused = {r.user.id for p in reports for r in p.refused}
        people = {r.user.id: r.user for p in reports for r in p.rows}
        holders = [(u, u.id not in refused) for u in people.values()]
    else:
        holders = _past_report(ids, day)
    holders.sort(key=lambda pair: (pair[0].employee_no, pair[0].id))
    return [
        Row(f"{u.employee_no} {u.name}", url_for("gate.worker", user_id=u.id), ok)
        for u, ok in holders
    ]


def qualified_share(year, month, department):
    """The share `qualified_workers`' rows make: as of today, the gate report's own totals,
    counted in the database; as of a past day, from the rows."""
    day, today, ids = _judged_on(year, month, department)
    if day is None or day < today:
        return value(qualified_workers(year, month, department), "percent")
    totals = queries.report_totals(ids, today)
    return percent(totals["allowed"], totals["allowed"] + totals["refused"])


def register(reg) -> None:
    reg.figure(
        "safety",
        "qualified_workers",
        _l("Post holders qualified for their posts (%)"),
        compute=qualified_share,
        rows=qualified_workers,
        unit="percent",
        order=80,
        note=_l(
            "As of the period's last day (today for the current period), by the gate's "
            "check: every required qualification held, not expired, not revoked; posts and "
            "their requirements as they are today."
        ),
    )
