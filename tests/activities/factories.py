"""Activities made directly in the database, with sign-up open now unless told otherwise."""

from datetime import timedelta

from app.extensions import db
from app.models._types import utcnow
from app.models.activities import Activity, ActivityKind, CompetitionMode


def make_activity(kind=ActivityKind.EVENT, departments=(), **overrides) -> Activity:
    now = utcnow()
    values = {
        "title": "五一职工运动会",
        "place": "厂区体育场",
        "description": "",
        "starts_at": now + timedelta(days=7),
        "ends_at": now + timedelta(days=7, hours=3),
        "signup_opens_at": now - timedelta(days=1),
        "signup_closes_at": now + timedelta(days=6),
        "cancel_deadline": now + timedelta(days=5),
        "capacity": None,
    }
    if kind is ActivityKind.TRAINING:
        values.update(
            title="安全生产培训",
            pass_mark=60.0,
            qualification_name="安全生产培训合格证",
            qualification_is_safety=True,
            qualification_months=12,
        )
    if kind is ActivityKind.COMPETITION:
        values.update(title="技能比武", competition_mode=CompetitionMode.INDIVIDUAL, rounds=2)
    values.update(overrides)
    activity = Activity(kind=kind, departments=list(departments), **values)
    db.session.add(activity)
    db.session.commit()
    return activity


def make_activity_at_the_door(kind=ActivityKind.EVENT, **overrides) -> Activity:
    """An activity starting within the hour: its check-in is open now, sign-up too."""
    now = utcnow()
    values = {
        "starts_at": now + timedelta(hours=1),
        "ends_at": now + timedelta(hours=3),
        "signup_closes_at": now + timedelta(minutes=30),
        "cancel_deadline": now + timedelta(minutes=30),
    }
    return make_activity(kind, **{**values, **overrides})
