"""The one-tap rating after an activity: 1–5 stars and an optional comment from a person who
checked in; asked for in the inbox as soon as they are checked in."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.notify.services import notify
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_text
from app.models._types import utcnow
from app.models.activities import Activity, Participation
from app.models.surveys import ActivityRating


def checked_in(user, activity: Activity) -> bool:
    return (
        db.session.scalar(
            select(Participation.id).where(
                Participation.activity_id == activity.id,
                Participation.user_id == user.id,
                Participation.checked_in_at.is_not(None),
            )
        )
        is not None
    )


def my_rating(user, activity: Activity) -> ActivityRating | None:
    return db.session.scalar(
        select(ActivityRating).where(
            ActivityRating.activity_id == activity.id, ActivityRating.user_id == user.id
        )
    )


def rate_activity(user, activity: Activity, stars, comment="") -> ActivityRating:
    """Save (or change) `user`'s rating of `activity`; only after they checked in."""
    try:
        stars = int(str(stars).strip())
    except ValueError:
        stars = 0
    if stars not in range(1, 6):
        raise ValidationFailed.on("stars", _("Choose from 1 to 5 stars."))
    comment = clean_text(comment, "comment", limit=500)
    if not checked_in(user, activity):
        raise Refused(_("Only people who checked in to this activity can rate it."), 403)
    rating = my_rating(user, activity)
    if rating is None:
        rating = ActivityRating(activity_id=activity.id, user_id=user.id)
        db.session.add(rating)
    rating.stars = stars
    rating.comment = comment
    rating.rated_at = utcnow()
    db.session.flush()
    return rating


def ask_for_rating(participation: Participation, **_details) -> None:
    """Listener of "activity.checked_in": the inbox asks the participant for their stars."""
    activity = participation.activity
    notify(
        [participation.user_id],
        "activities.rating",
        _l("How was %(title)s?", title=activity.title),
        _l("One tap: give it 1 to 5 stars."),
        url_for("surveys.rate", activity_id=activity.id, _external=False),
    )
