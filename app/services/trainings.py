"""The trainings that give a qualification: what the activities' home card and the gate's
expiry reminders both point a person to, and when an expiry needs no reminder at all."""

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models._types import utcnow
from app.models.activities import Activity, ActivityKind, ActivityStatus
from app.models.gate import Qualification


def next_training(qualification_name: str, *where) -> Activity | None:
    """The next training (or drill) that gives the qualification `qualification_name` and can
    still be signed up for, and meets `where` (say, `audience_of` a person's departments)."""
    return next_trainings([qualification_name], *where).get(qualification_name)


def next_trainings(qualification_names, *where) -> dict[str, Activity]:
    """`next_training` of each of `qualification_names` that has one, in one statement."""
    found: dict[str, Activity] = {}
    for training in db.session.scalars(
        select(Activity)
        .where(
            Activity.kind.in_([ActivityKind.TRAINING, ActivityKind.DRILL]),
            Activity.status == ActivityStatus.PUBLISHED,
            Activity.qualification_name.in_(list(qualification_names)),
            Activity.signup_closes_at > utcnow(),
            *where,
        )
        .order_by(Activity.starts_at)
    ):
        found.setdefault(training.qualification_name, training)
    return found


def outlasted():
    """SQL for 'the person holds another unrevoked qualification of the same type that lasts
    longer' (for good, or to a later day): a renewal, say a pass of the exam, so the expiry
    of this one warns nobody. The rule of the home card and of the gate's reminders; the gate
    report reads the same from `statuses` (the best of each type)."""
    newer = aliased(Qualification)
    return (
        select(newer.id)
        .where(
            newer.user_id == Qualification.user_id,
            newer.type_id == Qualification.type_id,
            newer.id != Qualification.id,
            newer.revoked_at.is_(None),
            or_(newer.valid_until.is_(None), newer.valid_until > Qualification.valid_until),
        )
        .exists()
    )
