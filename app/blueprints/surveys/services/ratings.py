"""The one-tap rating after an activity: 1–5 stars and an optional comment from a person who
checked in. The inbox asks for it once the activity is over (`ask_for_ratings`, run every 15
minutes by `surveys.jobs`), once per person and activity; a check-in that reaches the server
after the end (an offline scan synced late) is asked at the next run."""

from collections import defaultdict
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.blueprints.notify.services import notify_many
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_text
from app.jobs import path_for
from app.models._types import utcnow
from app.models.activities import Activity, ActivityStatus, Participation
from app.models.surveys import ActivityRating
from app.services.inputs import add_error

# A check-in that reaches the server later than this after the end is not asked about: a
# "How was it?" weeks on is noise. (Rating from the activity page stays open.)
ASK_WITHIN = timedelta(days=7)


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
    errors: dict = {}  # both mistakes at once, each at its field
    if stars not in range(1, 6):
        add_error(errors, "stars", _("Choose from 1 to 5 stars."))
    comment = clean_text(comment, "comment", limit=500, errors=errors)
    if errors:
        raise ValidationFailed(errors)
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


def ask_for_ratings(now=None) -> int:
    """Ask everyone checked in to an activity that has ended (within `ASK_WITHIN`) and was
    not asked yet for their stars, in the inbox; returns how many were asked. The caller
    commits.

    The participations are claimed by the UPDATE that marks them asked, so a second run, even
    one running at the same time, finds none of them again.
    """
    now = now or utcnow()
    ended = select(Activity.id).where(
        Activity.status == ActivityStatus.PUBLISHED,
        Activity.ends_at <= now,
        Activity.ends_at > now - ASK_WITHIN,
    )
    claimed = db.session.execute(
        update(Participation)
        .where(
            Participation.activity_id.in_(ended),
            Participation.checked_in_at.is_not(None),
            Participation.rating_asked_at.is_(None),
        )
        .values(rating_asked_at=now)
        .returning(Participation.activity_id, Participation.user_id),
        execution_options={"synchronize_session": False},
    ).all()
    if not claimed:
        return 0
    asked = defaultdict(list)
    for activity_id, user_id in claimed:
        asked[activity_id].append(user_id)
    titles = dict(
        db.session.execute(
            select(Activity.id, Activity.title).where(Activity.id.in_(list(asked)))
        ).all()
    )
    notify_many(
        (
            user_ids,
            "activities.rating",
            _l("How was %(title)s?", title=titles[activity_id]),
            _l("One tap: give it 1 to 5 stars."),
            path_for("surveys.rate", activity_id=activity_id),
        )
        for activity_id, user_ids in asked.items()
    )
    return len(claimed)
