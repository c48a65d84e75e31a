"""Promotions, cancellations and the day-before reminder reach people's inboxes."""

from datetime import timedelta

from sqlalchemy import select

from app.blueprints.activities import jobs, services
from app.models import Notification, Role
from app.models._types import utcnow
from tests.activities.factories import make_activity
from tests.factories import make_user


def inbox(db, user):
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def test_promotion_from_the_waitlist_tells_the_promoted(app, db):
    activity = make_activity(capacity=1, title="春季长跑")
    first, second = make_user(), make_user()
    services.sign_up(first, activity)
    services.sign_up(second, activity)
    assert inbox(db, second) == []
    with app.test_request_context():
        services.cancel_sign_up(first, activity)
    db.session.commit()
    [message] = inbox(db, second)
    assert message.title == "您已由候补转为正式报名：春季长跑"
    assert message.url == f"/activities/{activity.id}"
    assert inbox(db, first) == []


def test_cancelling_an_activity_tells_everyone_signed_up_or_waiting(app, db):
    activity = make_activity(capacity=1, title="书法比赛")
    first, second, gone = make_user(), make_user(), make_user()
    services.sign_up(gone, activity)
    services.cancel_sign_up(gone, activity)
    services.sign_up(first, activity)
    services.sign_up(second, activity)
    with app.test_request_context():
        services.cancel_activity(make_user(Role.ORGANIZER), activity, "场地冲突")
    db.session.commit()
    for person in (first, second):
        [message] = inbox(db, person)
        assert message.title == "活动已取消：书法比赛" and "场地冲突" in message.body
    assert inbox(db, gone) == []


def test_reminder_goes_once_to_confirmed_participants_a_day_ahead(app, db):
    now = utcnow()
    soon = make_activity(
        title="新年联欢会",
        capacity=1,
        starts_at=now + timedelta(hours=20),
        ends_at=now + timedelta(hours=23),
        cancel_deadline=now,
        signup_closes_at=now + timedelta(hours=1),
    )
    later = make_activity(
        title="国庆长跑", starts_at=now + timedelta(hours=30), ends_at=now + timedelta(hours=32)
    )
    confirmed, waiting = make_user(), make_user()
    services.sign_up(confirmed, soon)
    services.sign_up(waiting, soon)
    services.sign_up(confirmed, later)
    db.session.commit()

    assert jobs.send_reminders(now) == 1
    db.session.commit()
    [message] = inbox(db, confirmed)
    assert message.title == "明天的活动：新年联欢会"
    assert inbox(db, waiting) == []

    assert jobs.send_reminders(now + timedelta(minutes=60)) == 0  # not twice
    assert jobs.send_reminders(now + timedelta(hours=7)) == 1  # the later one, in time
    db.session.commit()
    assert [m.title for m in inbox(db, confirmed)][-1] == "明天的活动：国庆长跑"


def test_no_reminder_for_a_cancelled_activity(app, db):
    now = utcnow()
    activity = make_activity(starts_at=now + timedelta(hours=5), ends_at=now + timedelta(hours=6))
    person = make_user()
    services.sign_up(person, activity)
    with app.test_request_context():
        services.cancel_activity(make_user(Role.ORGANIZER), activity, "下雨")
    db.session.commit()
    before = len(inbox(db, person))
    assert jobs.send_reminders(now) == 0
    assert len(inbox(db, person)) == before


def test_the_hourly_job_runs_the_reminders(app, db):
    now = utcnow()
    activity = make_activity(starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4))
    person = make_user()
    services.sign_up(person, activity)
    db.session.commit()
    jobs.remind_upcoming_activities.call_local()
    db.session.refresh(activity)
    assert activity.reminder_sent_at is not None and len(inbox(db, person)) == 1
