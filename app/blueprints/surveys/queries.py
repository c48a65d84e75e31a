"""Read-side selects of the survey pages: the surveys a person is asked, the organizer's list,
activity scores and the kinds of activity members like best."""

from sqlalchemy import func, select

from app.extensions import db
from app.models._types import utcnow
from app.models.activities import Activity, ActivityKind
from app.models.surveys import ActivityRating, Survey, SurveyRespondent

from .access import in_audience


def open_surveys_for(user) -> list[tuple[Survey, bool]]:
    """The open surveys `user` is asked, each with whether they answered it already."""
    now = utcnow()
    answered = (
        select(SurveyRespondent.survey_id)
        .where(SurveyRespondent.survey_id == Survey.id, SurveyRespondent.user_id == user.id)
        .exists()
    )
    rows = db.session.execute(
        select(Survey, answered)
        .where(Survey.opens_at <= now, Survey.closes_at > now)
        .order_by(Survey.closes_at, Survey.id)
    ).all()
    return [(s, bool(done)) for s, done in rows if in_audience(user, s)]


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
    return db.session.execute(
        select(Activity, func.avg(ActivityRating.stars), func.count(ActivityRating.id))
        .join(ActivityRating, ActivityRating.activity_id == Activity.id)
        .group_by(Activity.id)
        .order_by(Activity.starts_at.desc())
    ).all()


def kinds_liked() -> list[tuple[ActivityKind, float, int]]:
    """Kinds of activity by their mean stars, best first: (kind, mean, ratings)."""
    rows = db.session.execute(
        select(Activity.kind, func.avg(ActivityRating.stars), func.count(ActivityRating.id))
        .join(ActivityRating, ActivityRating.activity_id == Activity.id)
        .group_by(Activity.kind)
    ).all()
    return sorted(
        ((kind, round(float(mean), 2), n) for kind, mean, n in rows),
        key=lambda row: (-row[1], -row[2]),
    )


def comments(activity_id: int) -> list[ActivityRating]:
    return db.session.scalars(
        select(ActivityRating)
        .where(ActivityRating.activity_id == activity_id)
        .order_by(ActivityRating.rated_at.desc())
    ).all()
