"""The congress feature's figures on the 建家 scorecard: motions answered by their deadline,
and answers their proposers rated satisfied (by the motion's lead department)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.congress import Motion, Satisfaction
from app.scorecard import Row, days, department_ids, local_day, moments


def _row(motion, counted) -> Row:
    return Row(motion.title, url_for("congress.motion", motion_id=motion.id), counted)


def _in_department(query, department):
    if (ids := department_ids(department)) is not None:
        query = query.where(Motion.lead_department_id.in_(ids))
    return query


def answered_on_time(year, month, department):
    """Motions whose deadline falls in the period: counted when answered by it."""
    first, after = days(year, month)
    query = select(Motion).where(Motion.deadline >= first, Motion.deadline < after)
    query = _in_department(query, department).order_by(Motion.deadline, Motion.id)
    return [
        _row(m, m.answered_at is not None and local_day(m.answered_at) <= m.deadline)
        for m in db.session.scalars(query)
    ]


def rated_satisfied(year, month, department):
    """Rated motions answered in the period: counted when rated satisfied."""
    start, end = moments(year, month)
    query = select(Motion).where(
        Motion.rating.is_not(None), Motion.answered_at >= start, Motion.answered_at < end
    )
    query = _in_department(query, department).order_by(Motion.answered_at, Motion.id)
    return [_row(m, m.rating is Satisfaction.SATISFIED) for m in db.session.scalars(query)]


def register(reg) -> None:
    reg.figure(
        "democracy",
        "answered_on_time",
        _l("Motions answered by their deadline (%)"),
        rows=answered_on_time,
        unit="percent",
        order=10,
    )
    reg.figure(
        "democracy",
        "rated_satisfied",
        _l("Motion answers rated satisfied (%)"),
        rows=rated_satisfied,
        unit="percent",
        order=20,
    )
