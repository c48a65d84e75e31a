"""Activities in a person's field kit: the list, their own activities still to come with
the check-in code (page and QR image), and for an organizer the check-in pages of the
activities of the next days (the scanner's scripts are among the kit's static files)."""

import hashlib
from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.models._types import utcnow
from app.models.activities import Activity, ActivityStatus, Participation, ParticipationStatus

from .queries import can_manage, counts_by_activity

ORGANIZER_DAYS = 7


def _mine(user) -> list[tuple[Activity, Participation]]:
    """The user's places (confirmed or waiting) in activities that have not ended."""
    return list(
        db.session.execute(
            select(Activity, Participation)
            .join(Participation, Participation.activity_id == Activity.id)
            .where(
                Participation.user_id == user.id,
                Participation.status.in_(
                    [ParticipationStatus.CONFIRMED, ParticipationStatus.WAITLISTED]
                ),
                Activity.ends_at > utcnow(),
            )
            .order_by(Activity.starts_at, Activity.id)
        ).tuples()
    )


def _organized(user) -> list[Activity]:
    """Activities starting within the next days (or running now) that are not cancelled."""
    if not can_manage(user):
        return []
    now = utcnow()
    return list(
        db.session.scalars(
            select(Activity)
            .where(
                Activity.status != ActivityStatus.CANCELLED,
                Activity.ends_at > now,
                Activity.starts_at < now + timedelta(days=ORGANIZER_DAYS),
            )
            .order_by(Activity.starts_at, Activity.id)
        )
    )


def kit(user) -> list[str]:
    urls = [url_for("activities.index"), url_for("activities.index", tab="mine")]
    urls.append(url_for("activities.history"))
    for activity, participation in _mine(user):
        urls.append(url_for("activities.show", activity_id=activity.id))
        if participation.status is ParticipationStatus.CONFIRMED and not activity.is_cancelled:
            urls.append(url_for("activities.my_code", activity_id=activity.id))
        if activity.cover_image:
            urls.append(url_for("activities.cover", activity_id=activity.id))
    for activity in _organized(user):
        urls += [
            url_for("activities.show", activity_id=activity.id),
            url_for("activities.check_in", activity_id=activity.id),
        ]
    return urls


def stamp(user) -> str:
    """Changes with the user's places, the activities in the kit and their counts."""
    digest = hashlib.sha256()
    activities = {a.id: a for a, _p in _mine(user)} | {a.id: a for a in _organized(user)}
    for _activity, participation in _mine(user):
        digest.update(
            repr((participation.id, participation.status, participation.checked_in_at)).encode()
        )
    counts = counts_by_activity(list(activities))
    for activity_id in sorted(activities):
        a = activities[activity_id]
        digest.update(
            repr(
                (a.id, a.status, a.title, a.place, a.starts_at, a.ends_at, a.capacity)
                + (a.cancel_deadline, a.description, a.cover_image)
                + tuple(sorted(counts.get(a.id, {}).items()))
            ).encode()
        )
    return digest.hexdigest()


def register(reg) -> None:
    reg.offline(kit, stamp=stamp)
