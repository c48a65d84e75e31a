"""The congress feature's figures on the 建家 scorecard: motions answered by their deadline,
and answers their proposers rated satisfied (by the motion's lead department)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from app.extensions import db
from app.models._types import utcnow
from app.models.congress import EvaluationRound, Motion, Satisfaction
from app.scorecard import (
    Row,
    days,
    in_department,
    moments,
    percent,
)
from app.services.inputs import local_date, local_day_of


def _row(motion, counted) -> Row:
    return Row(motion.title, url_for("congress.motion_show", motion_id=motion.id), counted)


def answered_on_time(year, month, department):
    """Motions whose deadline falls in the period: counted when answered by it."""
    first, after = days(year, month)
    query = _due_in(select(Motion), first, after, department).order_by(Motion.deadline, Motion.id)
    return [
        _row(m, m.answered_at is not None and local_date(m.answered_at) <= m.deadline)
        for m in db.session.scalars(query)
    ]


def rated_satisfied(year, month, department):
    """Rated motions answered in the period: counted when rated satisfied."""
    start, end = moments(year, month)
    query = select(Motion).where(
        Motion.rating.is_not(None), Motion.answered_at >= start, Motion.answered_at < end
    )
    query = in_department(query, Motion.lead_department_id, department)
    query = query.order_by(Motion.answered_at, Motion.id)
    return [_row(m, m.rating is Satisfaction.SATISFIED) for m in db.session.scalars(query)]


def _answered_on_time(year, month, department):
    """The share `answered_on_time`'s rows make, counted in the database."""
    first, after = days(year, month)
    answered_on = local_day_of(Motion.answered_at)
    query = select(func.count(case((answered_on <= Motion.deadline, 1))), func.count())
    return percent(*db.session.execute(_due_in(query, first, after, department)).one())


def _due_in(query, first, after, department):
    query = query.where(Motion.deadline >= first, Motion.deadline < after)
    return in_department(query.select_from(Motion), Motion.lead_department_id, department)


def _rated_satisfied(year, month, department):
    """The share `rated_satisfied`'s rows make, counted in the database."""
    start, end = moments(year, month)
    query = select(
        func.count(case((Motion.rating == Satisfaction.SATISFIED, 1))), func.count()
    ).where(Motion.rating.is_not(None), Motion.answered_at >= start, Motion.answered_at < end)
    query = in_department(query, Motion.lead_department_id, department)
    return percent(*db.session.execute(query).one())


def _rounds(year, month):
    start, end = moments(year, month)
    return db.session.scalars(
        select(EvaluationRound)
        .where(
            EvaluationRound.closes_at >= start,
            EvaluationRound.closes_at < min(end, utcnow()),  # closed rounds only
        )
        .order_by(EvaluationRound.closes_at, EvaluationRound.id)
    ).all()


def _turnout(round_) -> tuple[int, int]:
    """Voters and the electorate the round closed with."""
    from .services.evaluations import eligible_voters, voter_count

    return voter_count(round_), eligible_voters(round_)


def evaluation_rounds(year, month, department):
    """The evaluation rounds that closed in the period, each with its turnout (the union's
    only: who voted is not broken down)."""
    if department is not None:
        return []
    rows = []
    for round_ in _rounds(year, month):
        voters, electorate = _turnout(round_)
        rows.append(
            Row(
                f"{round_.title} {voters}/{electorate}",
                url_for("congress.evaluation_show", round_id=round_.id),
                amount=percent(voters, electorate),
            )
        )
    return rows


def evaluation_participation(year, month, department):
    """Voters over electors, over every round that closed in the period."""
    if department is not None:
        return None
    totals = [_turnout(r) for r in _rounds(year, month)]
    electorate = sum(e for _v, e in totals)
    return percent(sum(v for v, _e in totals), electorate)


def register(reg) -> None:
    reg.figure(
        "democracy",
        "evaluation_participation",
        _l("Democratic evaluation turnout (%)"),
        compute=evaluation_participation,
        rows=evaluation_rounds,
        unit="percent",
        order=30,
        note=_l("For the whole union only."),
    )
    reg.figure(
        "democracy",
        "answered_on_time",
        _l("Motions answered by their deadline (%)"),
        compute=_answered_on_time,
        rows=answered_on_time,
        unit="percent",
        order=10,
    )
    reg.figure(
        "democracy",
        "rated_satisfied",
        _l("Motion answers rated satisfied (%)"),
        compute=_rated_satisfied,
        rows=rated_satisfied,
        unit="percent",
        order=20,
    )
