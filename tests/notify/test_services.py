from datetime import timedelta

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.blueprints.notify import services
from app.models import Category, Notification, User
from app.models._types import utcnow
from tests.factories import make_user


def test_notify_writes_one_inbox_row_per_active_user_in_their_language(db):
    chinese = make_user()
    english = make_user(locale="en")
    gone = make_user(active=False)

    rows = services.notify(
        [chinese.id, english.id, gone.id, chinese.id],
        "system.test",
        _l("Test notification"),
        _l("If this shows on your phone, notifications reach you."),
        "/notifications/settings",
    )
    db.session.commit()

    by_user = {row.user_id: row for row in rows}
    assert set(by_user) == {chinese.id, english.id}
    assert by_user[chinese.id].title == "测试通知"
    assert by_user[english.id].title == "Test notification"
    assert by_user[english.id].body == "If this shows on your phone, notifications reach you."
    assert by_user[chinese.id].category is Category.SYSTEM
    assert by_user[chinese.id].url == "/notifications/settings"
    assert db.session.scalar(select(Notification).where(Notification.user_id == gone.id)) is None


def test_notify_renders_parameters_inside_the_recipients_language(db):
    english = make_user(locale="en")
    (row,) = services.notify(
        [english.id], "notices.new", _l("%(count)d notifications marked as read.", count=3)
    )
    assert row.title == "3 notifications marked as read."


@pytest.mark.parametrize("kind", ["hazard.assigned", "misc", ""])
def test_notify_refuses_a_kind_without_a_known_category(db, kind):
    user = make_user()
    with pytest.raises(ValueError, match="category"):
        services.notify([user.id], kind, "x")


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_notify_refuses_links_out_of_the_app(db, url):
    user = make_user()
    with pytest.raises(ValueError, match="path inside the app"):
        services.notify([user.id], "system.test", "x", url=url)


def test_unread_count_and_marking_read(db):
    user, other = make_user(), make_user()
    rows = services.notify([user.id], "system.test", "a") + services.notify(
        [user.id, other.id], "system.test", "b"
    )
    db.session.commit()
    assert services.unread_count(user) == 2

    services.mark_read(rows[0])
    db.session.commit()
    assert services.unread_count(user) == 1
    assert services.mark_all_read(user) == 1
    db.session.commit()
    assert services.unread_count(user) == 0
    assert services.unread_count(other) == 1


def test_inbox_lists_unread_first_then_newest(db):
    user = make_user()
    first, second, third = (services.notify([user.id], "system.test", t)[0] for t in "abc")
    services.mark_read(third)
    db.session.commit()
    titles = [n.title for n in db.session.scalars(services.inbox_query(user))]
    assert titles == ["b", "a", "c"]


def test_preferences_default_to_push_and_can_be_changed(db):
    user = make_user()
    assert services.push_preferences(user) == dict.fromkeys(
        [
            Category.HAZARDS,
            Category.ACTIVITIES,
            Category.NOTICES,
            Category.PROPOSALS,
            Category.CARE_RIGHTS,
        ],
        True,
    )
    services.set_push_preferences(user, {Category.NOTICES: False})
    db.session.commit()
    services.set_push_preferences(user, {Category.NOTICES: False, Category.HAZARDS: False})
    db.session.commit()
    assert services.push_preferences(user) == {
        Category.HAZARDS: False,
        Category.ACTIVITIES: True,
        Category.NOTICES: False,
        Category.PROPOSALS: True,
        Category.CARE_RIGHTS: True,
    }


def test_daily_clean_up_removes_only_old_read_entries(db):
    from app.blueprints.notify.jobs import clean_inbox

    user = make_user()
    old_read, old_unread, new_read = (
        services.notify([user.id], "system.test", t)[0] for t in ("old read", "old unread", "new")
    )
    long_ago = utcnow() - timedelta(days=400)
    old_read.created_at = old_unread.created_at = long_ago
    old_read.read_at = new_read.read_at = utcnow()
    db.session.commit()

    assert clean_inbox() == 1
    db.session.commit()
    left = set(db.session.scalars(select(Notification.title)))
    assert left == {"old unread", "new"}


def test_deleting_a_user_deletes_their_notifications(db):
    user = make_user()
    services.notify([user.id], "system.test", "x")
    db.session.commit()
    db.session.delete(db.session.get(User, user.id))
    db.session.commit()
    assert db.session.scalar(select(Notification)) is None
