"""Home-page cards of the activities feature."""

from datetime import timedelta

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.blueprints.activities.queries import (
    CONFIRMED,
    EXPIRY_WARNING_DAYS,
    audience_clause,
    local_today,
)
from app.extensions import db
from app.models._types import utcnow
from app.models.activities import Activity, ActivityStatus, Participation, Qualification


def activity_cards(user) -> list[dict]:
    now = utcnow()
    cards = []
    upcoming = db.session.execute(
        select(Activity, Participation.status)
        .join(Participation, Participation.activity_id == Activity.id)
        .where(
            Participation.user_id == user.id,
            Participation.status == CONFIRMED,
            Activity.status == ActivityStatus.PUBLISHED,
            Activity.ends_at > now,
        )
        .order_by(Activity.starts_at)
        .limit(1)
    ).first()
    if upcoming:
        activity = upcoming[0]
        cards.append(
            {
                "title": _("Your next activity: %(title)s", title=activity.title),
                "body": f"{format_datetime(activity.starts_at, 'short')} · {activity.place}",
                "url": url_for("activities.show", activity_id=activity.id),
                "tone": "ok",
            }
        )
    open_now = db.session.scalar(
        select(func.count(Activity.id)).where(
            Activity.status == ActivityStatus.PUBLISHED,
            Activity.signup_opens_at <= now,
            Activity.signup_closes_at > now,
            audience_clause(user),
            ~Activity.id.in_(
                select(Participation.activity_id).where(Participation.user_id == user.id)
            ),
        )
    )
    if open_now:
        cards.append(
            {
                "title": _("Open for sign-up"),
                "body": _("Activities, trainings and competitions you can join."),
                "count": open_now,
                "url": url_for("activities.index"),
                "tone": "info",
            }
        )
    today = local_today()
    expiring = db.session.scalar(
        select(Qualification)
        .where(
            Qualification.user_id == user.id,
            Qualification.revoked_at.is_(None),
            Qualification.valid_until >= today,
            Qualification.valid_until <= today + timedelta(EXPIRY_WARNING_DAYS),
        )
        .order_by(Qualification.valid_until)
        .limit(1)
    )
    if expiring:
        cards.append(
            {
                "title": _("Qualification expiring: %(name)s", name=expiring.name),
                "body": _(
                    "Valid until %(day)s. Sign up for a refresher training in time.",
                    day=expiring.valid_until.isoformat(),
                ),
                "url": url_for("activities.history"),
                "tone": "warn",
            }
        )
    return cards
