"""Read-side selects for the congress pages."""

from functools import cache

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from app.blueprints.congress.access import is_manager
from app.extensions import db
from app.models import Department, User
from app.models.congress import (
    AnswerClass,
    Delegate,
    EvaluationRound,
    Motion,
    MotionState,
    Notice,
    NoticeRead,
    Satisfaction,
    notice_departments,
)
from app.services.departments import own_departments


def motion_list(user, session_id: int | None, state: str | None = None):
    """The public list: every motion but other people's drafts, newest first, with the
    proposer and lead department each row names (loaded with the page, not row by row)."""
    query = (
        select(Motion)
        .options(
            joinedload(Motion.proposer),
            joinedload(Motion.lead_department).joinedload(Department.parent),
        )
        .order_by(Motion.id.desc())
    )
    if session_id:
        query = query.where(Motion.session_id == session_id)
    if state in MotionState._value2member_map_:
        query = query.where(Motion.state == MotionState(state))
    return query.where(
        or_(
            Motion.state != MotionState.DRAFT,
            Motion.proposer_id == user.id,
            _delegate_of_motion(user),
        )
    )


def _delegate_of_motion(user):
    """Delegates of a motion's session see its drafts, to co-sign them."""
    return Motion.session_id.in_(select(Delegate.session_id).where(Delegate.user_id == user.id))


def can_see_motion(user, motion: Motion) -> bool:
    if motion.state is not MotionState.DRAFT or motion.proposer_id == user.id or is_manager(user):
        return True
    return bool(
        db.session.scalar(
            select(Delegate.id).where(
                Delegate.session_id == motion.session_id, Delegate.user_id == user.id
            )
        )
    )


def session_report(session_id: int) -> dict:
    """Counts by state, by answer class and by satisfaction (submitted motions only)."""

    def grouped(column):
        return dict(
            db.session.execute(
                select(column, func.count())
                .where(
                    Motion.session_id == session_id,
                    Motion.state != MotionState.DRAFT,
                    column.is_not(None),
                )
                .group_by(column)
            ).all()
        )

    states = grouped(Motion.state)
    classes = grouped(Motion.answer_class)
    ratings = grouped(Motion.rating)
    return {
        "total": sum(states.values()),
        "states": [(s, states.get(s, 0)) for s in MotionState if s is not MotionState.DRAFT],
        "classes": [(c, classes.get(c, 0)) for c in AnswerClass],
        "ratings": [(r, ratings.get(r, 0)) for r in Satisfaction],
    }


def delegates_of(session_id: int) -> list[Delegate]:
    return list(
        db.session.scalars(
            select(Delegate)
            .join(User, User.id == Delegate.user_id)
            .outerjoin(Department, Department.id == Delegate.department_id)
            .where(Delegate.session_id == session_id)
            .order_by(Department.name, User.name)
        )
    )


def notice_audience_clause(user):
    if is_manager(user):
        return True
    return _audience(own_departments(user), user.id)


def _audience(department_ids, user_id):
    """Notices for everyone, for one of `department_ids`, or published by the user: each a
    value, or a bind parameter in a statement built once."""
    in_audience = select(notice_departments.c.notice_id).where(
        notice_departments.c.department_id.in_(department_ids)
    )
    return or_(
        ~Notice.departments.any(), Notice.id.in_(in_audience), Notice.publisher_id == user_id
    )


def notice_list(user, category: str | None = None):
    query = (
        select(Notice)
        .where(notice_audience_clause(user))
        .order_by(Notice.pinned.desc(), Notice.published_at.desc(), Notice.id.desc())
    )
    if category:
        query = query.where(Notice.category == category)
    return query


def read_ids(user, notice_ids) -> set[int]:
    if not notice_ids:
        return set()
    return set(
        db.session.scalars(
            select(NoticeRead.notice_id).where(
                NoticeRead.user_id == user.id, NoticeRead.notice_id.in_(list(notice_ids))
            )
        )
    )


def unread_notices(user) -> int:
    if is_manager(user):
        return db.session.scalar(unread_statement(True), {"user_id": user.id})
    values = {"user_id": user.id, "department_ids": own_departments(user)}
    return db.session.scalar(unread_statement(False), values)


@cache
def unread_statement(manager: bool):
    """Built once a process for each shape: the home card asks it (app/blueprints/README.md)."""
    user_id = bindparam("user_id")
    read = select(NoticeRead.notice_id).where(NoticeRead.user_id == user_id)
    where = [~Notice.id.in_(read)]
    if not manager:
        where.append(_audience(bindparam("department_ids", expanding=True), user_id))
    return select(func.count(Notice.id)).where(*where)


def rounds_list():
    return select(EvaluationRound).order_by(EvaluationRound.closes_at.desc())
