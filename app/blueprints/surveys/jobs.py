"""The surveys' scheduled work: asking for the one-tap rating once an activity is over, and
telling a survey's people when it opens."""

from huey import crontab

from app.extensions import db
from app.jobs import periodic_app_task

from .services.announcing import announce_opened
from .services.ratings import ask_for_ratings


@periodic_app_task(crontab(minute="*/15"))
def ask_for_ratings_after_activities():
    """Every 15 minutes: an evening event's rating is asked for the same evening, while it
    is fresh, not at the next morning's daily jobs."""
    ask_for_ratings()
    db.session.commit()


@periodic_app_task(crontab(minute="*/5"))
def announce_opened_surveys():
    """Every 5 minutes: a survey whose start has come is announced in its people's inboxes
    (one saved open was announced on saving)."""
    announce_opened()
    db.session.commit()
