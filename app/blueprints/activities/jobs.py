"""The activities' scheduled work: the reminder the day before an activity.

It goes through the notifications feature's triggers (inbox always, push where the phone
allows), in the recipient's language. (Promotions from the waitlist, a new time or place and
a cancelled activity are told by the services, in the transaction of the change they
describe; a move to a later day clears `reminder_sent_at`, so the reminder comes again.)
"""

from huey import crontab
from sqlalchemy import select

from app.blueprints.notify import triggers
from app.extensions import db
from app.jobs import periodic_app_task
from app.models._types import utcnow
from app.models.activities import Activity, ActivityStatus, Participation, ParticipationStatus

from .services import REMINDER_AHEAD, activity_url


def send_reminders(now=None) -> int:
    """Remind the confirmed participants of activities starting within 24 hours, once each.

    Returns how many activities were reminded; the caller commits.
    """
    now = now or utcnow()
    due = db.session.scalars(
        select(Activity).where(
            Activity.status == ActivityStatus.PUBLISHED,
            Activity.reminder_sent_at.is_(None),
            Activity.starts_at > now,
            Activity.starts_at <= now + REMINDER_AHEAD,
        )
    ).all()
    for activity in due:
        user_ids = db.session.scalars(
            select(Participation.user_id).where(
                Participation.activity_id == activity.id,
                Participation.status == ParticipationStatus.CONFIRMED,
            )
        ).all()
        if user_ids:
            triggers.activity_reminder(
                user_ids,
                activity.title,
                activity.starts_at,
                activity.place,
                activity_url(activity),
                now=now,
            )
        activity.reminder_sent_at = now
    return len(due)


@periodic_app_task(crontab(minute="5"))
def remind_upcoming_activities():
    """Hourly: the reminder reaches people about a day ahead, whenever the activity starts."""
    send_reminders()
    db.session.commit()
