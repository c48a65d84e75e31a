"""The surveys feature's figures on the 建家 scorecard: survey participation, the member
satisfaction survey's score and the activity ratings."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models import Department, User
from app.models._types import utcnow
from app.models.activities import Activity
from app.models.surveys import ActivityRating, Survey, SurveyRespondent
from app.scorecard import (
    Row,
    half_up,
    in_department,
    members,
    moments,
    percent,
    share_counts,
    share_rows,
    share_withheld,
    small,
)

from .services.results import response_count, satisfaction_mean


def _anonymous_k(year, month) -> int | None:
    """The largest k of the anonymous surveys opened in the period (None: there is none)."""
    start, end = moments(year, month)
    return db.session.scalar(
        select(func.max(Survey.min_responses)).where(
            Survey.anonymous.is_(True), Survey.opens_at >= start, Survey.opens_at < end
        )
    )


RESPONDENTS = select(SurveyRespondent.user_id).join(Survey, Survey.id == SurveyRespondent.survey_id)


def _share(year, month, department) -> tuple[list[Row], int | None]:
    """One row per member, counted when they answered a survey opened in the period; and the
    k of the period's anonymous surveys (None: all were named)."""
    rows = share_rows(year, month, department, RESPONDENTS, Survey.opens_at)
    return rows, _anonymous_k(year, month)


def _withheld(part, whole, k) -> bool:
    """Is the share withheld? Only when an anonymous survey opened in the period (k), by the
    scorecard's rule."""
    return k is not None and share_withheld(part, whole, k)


def survey_share_value(year, month, department):
    """The figure `survey_share`'s rows make, counted in the database."""
    k = _anonymous_k(year, month)
    part, whole = share_counts(year, month, department, RESPONDENTS, Survey.opens_at)
    if _withheld(part, whole, k):
        return withheld(k, whole)
    return percent(part, whole)


def survey_share(year, month, department) -> list[Row]:
    """The members behind the share. Who answered an anonymous survey is as unlinkable as
    who voted: when one opened in the period, no one is named, the rows count by department
    (a workshop's teams for a workshop), small counts withheld with the survey's own k (the
    scorecard's rule, `share_withheld`); named surveys alone list their members by name."""
    rows, k = _share(year, month, department)
    if k is None:
        return rows
    if _withheld(sum(r.counted for r in rows), len(rows), k):
        return [Row(_("Withheld so that no one can be identified."), plain=True)]
    groups: dict[str, list[bool]] = {}
    for group, row in zip(_groups(department), rows, strict=True):
        groups.setdefault(group, []).append(row.counted)
    out = [Row(_("An anonymous survey opened in the period: no one is named."), plain=True)]
    for group, answered in sorted(groups.items()):
        n, total = sum(answered), len(answered)
        state = (
            withheld(k, total)
            if share_withheld(n, total, k)
            else _("%(n)d of %(total)d members answered", n=n, total=total)
        )
        out.append(Row(group, plain=True, state=state))
    return out


def withheld(k, whole) -> str:
    """Why a share of `whole` members is withheld: they are few, or the few on one side (2 of
    a workshop's 40 did not answer) could be told."""
    if small(whole, k):
        return _("withheld (fewer than %(k)d people)", k=k)
    return _("withheld (fewer than %(k)d people on one side: a person could be told)", k=k)


def _groups(department) -> list[str]:
    """Each member's group, in the order of `members` (the rows' order): their workshop for
    the whole union, their team (or the workshop itself) for a workshop."""
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    ids = [uid for uid, _no, _name in members(department)]
    of = dict(db.session.execute(select(User.id, User.department_id).where(User.id.in_(ids))).all())

    def group(uid):
        d = departments.get(of.get(uid))
        if d is None:
            return _("No department")
        if department is None and d.parent_id is not None:
            return departments[d.parent_id].name
        return d.full_name

    return [group(uid) for uid in ids]


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


def _ratings(year, month, department, *columns):
    """`columns` of the ratings of the activities that started in the period (by the rater's
    department)."""
    start, end = moments(year, month)
    query = (
        select(*columns)
        .select_from(ActivityRating)
        .join(Activity, Activity.id == ActivityRating.activity_id)
        .join(User, User.id == ActivityRating.user_id)
        .where(Activity.starts_at >= start, Activity.starts_at < end)
    )
    return in_department(query, User.department_id, department)


def activity_rating(year, month, department) -> list[Row]:
    """One row per rating (`_ratings`), in the order the activities started."""
    query = _ratings(year, month, department, ActivityRating.stars, Activity.id, Activity.title)
    return [
        Row(f"{title} ★{stars}", url_for("surveys.ratings", activity=aid), amount=stars)
        for stars, aid, title in db.session.execute(
            query.order_by(Activity.starts_at, ActivityRating.id)
        )
    ]


def activity_rating_value(year, month, department):
    """The mean `activity_rating`'s rows make (whole stars: their sum is exact), in SQL."""
    stars = ActivityRating.stars
    query = _ratings(year, month, department, func.sum(stars), func.count(stars))
    total, ratings = db.session.execute(query).one()
    return half_up(total, ratings, 2) if ratings else None


def register(reg) -> None:
    reg.figure(
        "participation",
        "survey_share",
        _l("Members who answered a survey (%)"),
        rows=survey_share,
        compute=survey_share_value,
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
        compute=activity_rating_value,
        unit="score",
        order=20,
    )
