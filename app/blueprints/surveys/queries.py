"""Read-side selects of the survey pages: the surveys a person is asked, the organizer's list,
activity scores and the kinds of activity members like best."""

from functools import cache

from sqlalchemy import bindparam, func, select

from app.extensions import db
from app.models._types import utcnow
from app.models.activities import Activity, ActivityKind
from app.models.surveys import ActivityRating, Survey, SurveyRespondent
from app.scorecard import half_up

from .access import surveys_asking


def open_surveys_for(user) -> list[tuple[Survey, bool]]:
    """The open surveys `user` is asked, each with whether they answered it already."""
    rows = db.session.execute(_open_statement(), {"user_id": user.id, "now": utcnow()}).all()
    asked = surveys_asking(user, [s for s, _done in rows])
    return [(s, bool(done)) for s, done in rows if s.id in asked]


@cache
def _open_statement():
    """Built once a process: the home card asks it (see app/blueprints/README.md)."""
    answered = (
        select(SurveyRespondent.survey_id)
        .where(
            SurveyRespondent.survey_id == Survey.id,
            SurveyRespondent.user_id == bindparam("user_id"),
        )
        .exists()
    )
    now = bindparam("now")
    return (
        select(Survey, answered)
        .where(Survey.opens_at <= now, Survey.closes_at > now)
        .order_by(Survey.closes_at, Survey.id)
    )


def all_surveys():
    return select(Survey).order_by(Survey.closes_at.desc(), Survey.id.desc())


def respondent_counts(survey_ids: list[int]) -> dict[int, int]:
    counts = dict(
        db.session.execute(
            select(SurveyRespondent.survey_id, func.count())
            .where(SurveyRespondent.survey_id.in_(survey_ids))
            .group_by(SurveyRespondent.survey_id)
        ).all()
    )
    return {i: counts.get(i, 0) for i in survey_ids}


def activity_scores():
    """Rated activities, newest first: (activity, mean stars, ratings)."""
    rows = db.session.execute(
        select(Activity, func.sum(ActivityRating.stars), func.count(ActivityRating.id))
        .join(ActivityRating, ActivityRating.activity_id == Activity.id)
        .group_by(Activity.id)
        .order_by(Activity.starts_at.desc())
    ).all()
    return [(activity, half_up(stars, n), n) for activity, stars, n in rows]


def kinds_liked() -> list[tuple[ActivityKind, float, int]]:
    """Kinds of activity by their mean stars, best first: (kind, mean, ratings)."""
    rows = db.session.execute(
        select(Activity.kind, func.sum(ActivityRating.stars), func.count(ActivityRating.id))
        .join(ActivityRating, ActivityRating.activity_id == Activity.id)
        .group_by(Activity.kind)
    ).all()
    return sorted(
        ((kind, half_up(stars, n), n) for kind, stars, n in rows),
        key=lambda row: (-row[1], -row[2]),
    )


def comments(activity_id: int) -> list[ActivityRating]:
    return db.session.scalars(
        select(ActivityRating)
        .where(ActivityRating.activity_id == activity_id)
        .order_by(ActivityRating.rated_at.desc())
    ).all()
