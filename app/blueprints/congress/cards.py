"""Home cards and the field kit of the congress feature."""

from functools import cache

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from app.blueprints.congress import queries
from app.blueprints.congress.access import (
    contact_department_ids,
    current_session_statement,
    delegate_of,
    is_manager,
)
from app.blueprints.congress.services import evaluations
from app.extensions import db
from app.models._types import utcnow
from app.models.congress import (
    CongressSession,
    EvaluationRound,
    Motion,
    MotionState,
    Notice,
    NoticeAttachment,
)
from app.services.departments import own_departments
from app.services.inputs import local_today

KIT_NOTICES = 30
KIT_ATTACHMENT_BYTES = 20 * 1024 * 1024


def congress_cards(user) -> list[dict]:
    now = utcnow()
    unread, voting, session_id = db.session.execute(
        _glance_statement(is_manager(user)),
        {
            "user_id": user.id,
            "department_ids": own_departments(user),
            "now": now,
            "today": local_today(),
        },
    ).one()
    cards = []
    if unread:
        cards.append(
            {
                "title": _("Open notices to read"),
                "body": _("Company affairs made public: business, welfare, safety, personnel."),
                "count": unread,
                "url": url_for("congress.notices"),
                "tone": "info",
            }
        )
    for round_ in db.session.scalars(_open_rounds_statement(), {"now": now}) if voting else ():
        if evaluations.eligible(user, round_) and not evaluations.has_voted(user, round_):
            cards.append(
                {
                    "title": _("Evaluation open: %(title)s", title=round_.title),
                    "body": _("Your ballot is anonymous. Vote before it closes."),
                    "url": url_for("congress.evaluation_show", round_id=round_.id),
                    "tone": "warn",
                }
            )
    session = db.session.get(CongressSession, session_id) if session_id is not None else None
    if session is None:  # none, or deleted since the first look
        return cards
    cards += _motions_card(
        (Motion.proposer_id == user.id, Motion.state == MotionState.ANSWERED),
        _("Rate the answer to your motion"),
        _("Say whether the department's answer satisfies you."),
        "warn",
        mine=1,
    )
    departments = contact_department_ids(user, session.id)
    if departments:
        cards += _motions_card(
            (
                Motion.session_id == session.id,
                Motion.state == MotionState.ASSIGNED,
                Motion.lead_department_id.in_(departments),
            ),
            _("Motions for your department to answer"),
            _("Answer each by its deadline."),
            "warn",
            state="assigned",
        )
    if is_manager(user):
        cards += _motions_card(
            (Motion.state == MotionState.SUBMITTED,),
            _("Motions awaiting the committee"),
            _("Accept, turn into a suggestion or decline."),
            "info",
            state="submitted",
        )
    elif delegate_of(user, session) is not None:
        cards.append(
            {
                "title": _("Workers' congress: %(title)s", title=session.title),
                "body": _("You are a delegate. Propose a motion or co-sign one."),
                "url": url_for("congress.index"),
                "tone": "ok",
            }
        )
    return cards


@cache
def _glance_statement(manager: bool):
    """What the cards need to know first, in one statement: how many notices wait, whether
    an evaluation is open, which session is the current one. Most days no evaluation is
    open: the rounds are then not read. Built once a process for each shape (see
    app/blueprints/README.md)."""
    return select(
        queries.unread_statement(manager).scalar_subquery(),
        _open_rounds_statement().exists(),
        current_session_statement().with_only_columns(CongressSession.id).scalar_subquery(),
    )


@cache
def _open_rounds_statement():
    """Built once a process: the home card asks it (see app/blueprints/README.md)."""
    now = bindparam("now")
    return select(EvaluationRound).where(
        EvaluationRound.opens_at <= now, EvaluationRound.closes_at > now
    )


def _motions_card(where, title, body, tone, **filters) -> list[dict]:
    """A card counting the motions `where` selects, linking to the motion list filtered by
    `filters`; none when there are none."""
    count = db.session.scalar(select(func.count(Motion.id)).where(*where))
    if not count:
        return []
    url = url_for("congress.motions", **filters)
    return [{"title": title, "body": body, "count": count, "url": url, "tone": tone}]


def notice_kit(user) -> list[str]:
    """The notice list and the latest notices of the reader's audience, readable offline,
    with their attachments (newest first, up to KIT_ATTACHMENT_BYTES in all) and, for the
    publisher, who has read them. One query: it runs on every page."""
    latest = (
        queries.notice_list(user)
        .with_only_columns(Notice.id, Notice.publisher_id, Notice.pinned, Notice.published_at)
        .limit(KIT_NOTICES)
        .subquery()
    )
    rows = db.session.execute(
        select(latest.c.id, latest.c.publisher_id, NoticeAttachment.id, NoticeAttachment.size)
        .outerjoin(NoticeAttachment, NoticeAttachment.notice_id == latest.c.id)
        .order_by(
            latest.c.pinned.desc(),
            latest.c.published_at.desc(),
            latest.c.id.desc(),
            NoticeAttachment.id,
        )
    ).all()
    urls = [url_for("congress.index"), url_for("congress.notices")]
    budget = KIT_ATTACHMENT_BYTES
    for notice_id, publisher_id, attachment_id, size in rows:
        urls.append(url_for("congress.notice_show", notice_id=notice_id))
        if publisher_id == user.id:
            urls.append(url_for("congress.notice_readers", notice_id=notice_id))
        if attachment_id is not None and size <= budget:
            budget -= size
            urls.append(url_for("congress.attachment", attachment_id=attachment_id))
    return list(dict.fromkeys(urls))


def register(reg) -> None:
    reg.cards(congress_cards, order=60)
    reg.offline(notice_kit)
