"""Telling a survey's people that it is open: one inbox message each (in their language,
through `notify`), when it opens — at once for a survey saved open, by the surveys' job
(`announce_opened`, every 5 minutes) for one whose start is still to come.

The message is about the survey only (its title, named or anonymous, a link): it goes to the
whole audience at the moment the survey opens, so nothing in it, its time or its recipients
ties an answer to a person. People who have already answered (their "has responded" mark,
which is public to the survey anyway) are left out.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.blueprints.notify.services import notify_many
from app.extensions import db
from app.jobs import path_for
from app.models import User
from app.models._types import utcnow
from app.models.surveys import Survey, SurveyRespondent

from ..access import audience_ids


def announce_opened(now=None) -> int:
    """Announce every open survey whose people were not told yet; returns how many surveys.
    The caller commits. The surveys are claimed by the UPDATE that marks them announced, so a
    second run, even one running at the same time, finds none of them again."""
    now = now or utcnow()
    claimed = db.session.scalars(
        update(Survey)
        .where(Survey.announced_at.is_(None), Survey.opens_at <= now, Survey.closes_at > now)
        .values(announced_at=now)
        .returning(Survey.id),
        execution_options={"synchronize_session": False},
    ).all()
    surveys = db.session.scalars(select(Survey).where(Survey.id.in_(claimed))).all()
    notify_many(_message(survey) for survey in surveys)
    return len(surveys)


def announce_if_open(survey: Survey, now=None) -> bool:
    """A survey just saved: its people are told now if it is open already (the job tells
    them when it opens otherwise). Returns whether it was announced."""
    now = now or utcnow()
    if survey.announced_at is not None or not survey.opens_at <= now < survey.closes_at:
        return False
    survey.announced_at = now
    db.session.flush()
    notify_many([_message(survey)])
    return True


def _message(survey: Survey) -> tuple:
    answered = select(SurveyRespondent.user_id).where(SurveyRespondent.survey_id == survey.id)
    people = db.session.scalars(audience_ids(survey).where(User.id.not_in(answered)))
    return (
        list(people),
        "notices.survey",
        _l("A survey for you: %(title)s", title=survey.title),
        _l("Anonymous: your answers cannot be tied to you.")
        if survey.anonymous
        else _l("Named: the union sees who answered what."),
        path_for("surveys.show", survey_id=survey.id),
    )
