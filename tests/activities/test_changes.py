"""An activity moved to another time or place: everyone signed up or waiting reads what
changed, old → new, in their own language; the day-before reminder follows the new time."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.blueprints.activities import jobs, services
from app.extensions import db
from app.models import Notification, Role
from app.models._types import utcnow
from tests.activities.factories import make_activity
from tests.factories import make_user
from tests.helpers import text

LOCAL = "%Y-%m-%dT%H:%M"  # the form's datetime-local fields, in Shanghai time


def _shanghai(moment: datetime) -> datetime:
    return moment + timedelta(hours=8)


def _form(activity, **overrides):
    """The edit form as the organizer finds it filled in, with `overrides` typed over it."""
    data = {
        "kind": activity.kind.value,
        "title": activity.title,
        "description": activity.description,
        "place": activity.place,
        "capacity": str(activity.capacity or ""),
    }
    for name in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at", "cancel_deadline"):
        data[name] = _shanghai(getattr(activity, name)).strftime(LOCAL)
    data.update(overrides)
    return data


def _moved_activity():
    """篮球赛 on 2030-12-20 09:00–11:00 at 体育馆, one place: one signed up, one waiting."""
    activity = make_activity(
        title="篮球赛",
        place="体育馆",
        capacity=1,
        starts_at=datetime(2030, 12, 20, 1, 0, tzinfo=UTC),
        ends_at=datetime(2030, 12, 20, 3, 0, tzinfo=UTC),
        signup_closes_at=datetime(2030, 12, 19, 10, 0, tzinfo=UTC),
        cancel_deadline=datetime(2030, 12, 19, 10, 0, tzinfo=UTC),
    )
    signed_up, waiting, english = make_user(), make_user(), make_user(locale="en")
    for person in (signed_up, waiting, english):
        services.sign_up(person, activity)
    db.session.commit()
    return activity, signed_up, waiting, english


def _inbox(client, auth, person) -> str:
    auth.logout()
    auth.login(person)
    return text(client.get("/notifications/"))


def test_a_new_time_and_place_reach_everyone_signed_up_or_waiting(client, auth):
    activity, signed_up, waiting, english = _moved_activity()
    auth.login(make_user(Role.ORGANIZER))
    edit = _form(
        activity,
        place="新体育馆（二楼）",
        starts_at="2030-12-20T14:00",
        ends_at="2030-12-20T16:00",
    )
    saved = client.post(f"/activities/{activity.id}/edit", data=edit, follow_redirects=True)
    assert "修改已保存。" in text(saved)

    for person in (signed_up, waiting):
        inbox = _inbox(client, auth, person)
        assert "活动有变更：篮球赛" in inbox
        # Chinese sentences follow one another with no space between them.
        assert "→ 2030-12-20 14:00。结束时间：2030-12-20 11:00 → 2030-12-20 16:00。" in inbox
        assert "地点：体育馆 → 新体育馆（二楼）。" in inbox
    inbox = _inbox(client, auth, english)
    assert "Time or place changed: 篮球赛" in inbox
    assert "Start: 2030-12-20 09:00 → 2030-12-20 14:00. End:" in inbox
    assert "Place: 体育馆 → 新体育馆（二楼）." in inbox


def test_only_a_new_time_or_place_is_told_and_only_what_changed(client, auth):
    activity, signed_up, waiting, _english = _moved_activity()
    auth.login(make_user(Role.ORGANIZER))
    typo = _form(activity, description="请穿运动鞋")
    assert client.post(f"/activities/{activity.id}/edit", data=typo).status_code == 303
    assert "活动有变更" not in _inbox(client, auth, signed_up)

    auth.logout()
    auth.login(make_user(Role.ORGANIZER))
    moved = _form(activity, description="请穿运动鞋", place="新体育馆")
    assert client.post(f"/activities/{activity.id}/edit", data=moved).status_code == 303
    for person in (signed_up, waiting):
        inbox = _inbox(client, auth, person)
        assert "活动有变更：篮球赛" in inbox and "地点：体育馆 → 新体育馆。" in inbox
        assert "开始时间" not in inbox and "结束时间" not in inbox
        [message] = _messages(person)
        assert message.url == f"/activities/{activity.id}"


def _messages(person) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == person.id)
    return db.session.scalars(query.order_by(Notification.id)).all()


def _reminded_soon(now):
    """An activity 20 hours away, whose reminder went out just now to its one participant."""
    activity = make_activity(
        title="安全知识竞赛",
        starts_at=now + timedelta(hours=20),
        ends_at=now + timedelta(hours=22),
        signup_closes_at=now + timedelta(hours=1),
        cancel_deadline=now + timedelta(hours=1),
    )
    person = make_user()
    services.sign_up(person, activity)
    assert jobs.send_reminders(now) == 1
    db.session.commit()
    return activity, person


def _move(app, activity, starts_at):
    data = services.copy_fields(activity)
    data.update(starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
    with app.test_request_context():
        services.update_activity(make_user(Role.ORGANIZER), activity, data, [])
    db.session.commit()


def test_a_reminder_sent_for_the_old_day_comes_again_a_day_before_the_new_one(app):
    now = utcnow().replace(second=0, microsecond=0)
    activity, person = _reminded_soon(now)
    new_start = now + timedelta(days=3)
    _move(app, activity, new_start)
    assert jobs.send_reminders(now + timedelta(hours=1)) == 0  # nothing for the old time
    assert jobs.send_reminders(new_start - timedelta(hours=23)) == 1
    db.session.commit()
    reminder = _messages(person)[-1]
    assert reminder.kind == "activities.reminder"
    assert _shanghai(new_start).strftime("%Y-%m-%d %H:%M") in reminder.body


def test_a_move_within_the_day_is_told_once_not_reminded_again(app):
    now = utcnow().replace(second=0, microsecond=0)
    activity, person = _reminded_soon(now)
    _move(app, activity, now + timedelta(hours=23))
    assert jobs.send_reminders(now + timedelta(hours=1)) == 0
    kinds = [m.kind for m in _messages(person)]
    assert kinds == ["activities.reminder", "activities.changed"]


def test_correcting_the_time_or_place_of_an_activity_that_is_over_tells_nobody(client, auth):
    """The organizer fixes the record of last week's match (it was in the old hall, an hour
    later): nobody is told of a change to something that is over. Moved to a day still
    ahead, it is news again."""
    activity, signed_up, waiting, _english = _moved_activity()
    week_ago = utcnow().replace(second=0, microsecond=0) - timedelta(days=7)
    activity.starts_at, activity.ends_at = week_ago, week_ago + timedelta(hours=2)
    activity.signup_opens_at = week_ago - timedelta(days=10)
    activity.signup_closes_at = activity.cancel_deadline = week_ago - timedelta(days=1)
    db.session.commit()
    auth.login(make_user(Role.ORGANIZER))
    later = _form(
        activity,
        place="老体育馆",
        starts_at=_shanghai(week_ago + timedelta(hours=1)).strftime(LOCAL),
        ends_at=_shanghai(week_ago + timedelta(hours=3)).strftime(LOCAL),
    )
    assert client.post(f"/activities/{activity.id}/edit", data=later).status_code == 303
    assert activity.place == "老体育馆"
    for person in (signed_up, waiting):
        assert "活动有变更" not in _inbox(client, auth, person)

    auth.logout()
    auth.login(make_user(Role.ORGANIZER))
    ahead = utcnow().replace(second=0, microsecond=0) + timedelta(days=3)
    replayed = _form(
        activity,
        starts_at=_shanghai(ahead).strftime(LOCAL),
        ends_at=_shanghai(ahead + timedelta(hours=2)).strftime(LOCAL),
    )
    assert client.post(f"/activities/{activity.id}/edit", data=replayed).status_code == 303
    assert "活动有变更：篮球赛" in _inbox(client, auth, signed_up)
