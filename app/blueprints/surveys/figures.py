"""The surveys feature's figures on the 建家 scorecard: survey participation, the member
satisfaction survey's score and the activity ratings."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models._types import utcnow
from app.models.activities import Activity
from app.models.surveys import ActivityRating, Survey, SurveyRespondent
from app.scorecard import Row, in_department, moments, share_rows

from .services.results import response_count, satisfaction_mean


def survey_share(year, month, department) -> list[Row]:
    respondents = select(SurveyRespondent.user_id).join(
        Survey, Survey.id == SurveyRespondent.survey_id
    )
    return share_rows(year, month, department, respondents, Survey.opens_at)


def satisfaction_score(year, month, department) -> list[Row]:
    """The member satisfaction surveys that closed in the period with at least k responses,
    each with the mean of its 1–5 answers. Anonymous answers have no department: the figure
    is the union's only."""
    if department is not None:
        return []
    start, end = moments(year, month)
    rows = []
    for survey in db.session.scalars(
        select(Survey)
        .where(
            Survey.is_satisfaction.is_(True),
            Survey.closes_at >= start,
            Survey.closes_at < min(end, utcnow()),  # closed: no result of an open survey
        )
        .order_by(Survey.closes_at)
    ):
        if response_count(survey) >= survey.min_responses:
            rows.append(
                Row(
                    survey.title,
                    url_for("surveys.results", survey_id=survey.id),
                    amount=satisfaction_mean(survey),
                )
            )
    return rows


def activity_rating(year, month, department) -> list[Row]:
    """Every rating of an activity that started in the period (by the rater's department)."""
    start, end = moments(year, month)
    query = (
        select(ActivityRating.stars, Activity.id, Activity.title)
        .join(Activity, Activity.id == ActivityRating.activity_id)
        .join(User, User.id == ActivityRating.user_id)
        .where(Activity.starts_at >= start, Activity.starts_at < end)
        .order_by(Activity.starts_at, ActivityRating.id)
    )
    query = in_department(query, User.department_id, department)
    return [
        Row(f"{title} ★{stars}", url_for("surveys.ratings", activity=aid), amount=stars)
        for stars, aid, title in db.session.execute(query)
    ]


def register(reg) -> None:
    reg.figure(
        "participation",
        "survey_share",
        _l("Members who answered a survey (%)"),
        rows=survey_share,
        unit="percent",
        order=30,
    )
    reg.figure(
        "satisfaction",
        "survey_score",
        _l("Member satisfaction survey (mean of 1–5)"),
        rows=satisfaction_score,
        unit="score",
        order=10,
        note=_l("Anonymous answers: for the whole union only."),
    )
    reg.figure(
        "satisfaction",
        "activity_rating",
        _l("Activity ratings (mean stars)"),
        rows=activity_rating,
        unit="score",
        order=20,
    )
