"""The trainings that give a qualification: what the activities' home card and the gate's
expiry reminders both point a person to."""

from sqlalchemy import select

from app.extensions import db
from app.models._types import utcnow
from app.models.activities import Activity, ActivityKind, ActivityStatus


def next_training(qualification_name: str, *where) -> Activity | None:
    """The next training (or drill) that gives the qualification `qualification_name` and can
    still be signed up for, and meets `where` (say, `audience_of` a person's departments)."""
    return db.session.scalar(
        select(Activity)
        .where(
            Activity.kind.in_([ActivityKind.TRAINING, ActivityKind.DRILL]),
            Activity.status == ActivityStatus.PUBLISHED,
            Activity.qualification_name == qualification_name,
            Activity.signup_closes_at > utcnow(),
            *where,
        )
        .order_by(Activity.starts_at)
        .limit(1)
    )
