"""The trigger functions the safety and activities features call: who is told, and what
they read, in their own language."""

from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from app.blueprints.notify import triggers
from app.models import Category
from tests.factories import make_user

STARTS = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai


def _by_locale(rows, chinese, english):
    by_user = {row.user_id: row for row in rows}
    return by_user[chinese.id], by_user[english.id]


def test_hazard_assigned_tells_the_assignee_but_not_themselves(db):
    officer, assignee = make_user(), make_user()
    (row,) = triggers.hazard_assigned(
        assignee.id, "3号机床漏油", "/safety/hazards/7", actor_id=officer.id
    )
    assert (row.user_id, row.category, row.url) == (
        assignee.id,
        Category.HAZARDS,
        "/safety/hazards/7",
    )
    assert row.title == "指派给您的隐患：3号机床漏油"
    assert triggers.hazard_assigned(assignee.id, "x", "/", actor_id=assignee.id) == []


def test_hazard_status_change_renders_the_status_label_per_recipient(db):
    reporter, english = make_user(), make_user(locale="en")
    status = _l("Test notification")  # any lazy label from the catalogs
    zh = triggers.hazard_status_changed(reporter.id, "漏油", status, "/h/1")[0]
    en = triggers.hazard_status_changed(english.id, "漏油", status, "/h/1")[0]
    assert zh.title == "您上报的隐患“漏油”已更新为：测试通知"
    assert en.title == "The hazard you reported, 漏油, is now: Test notification"
    assert zh.body == ""


def test_due_and_overdue(db):
    chinese, english = make_user(), make_user(locale="en")
    due = triggers.hazard_due_tomorrow(
        [chinese.id, english.id], "护栏缺失", date(2026, 11, 24), "/h/2"
    )
    zh, en = _by_locale(due, chinese, english)
    assert zh.title == "明天到期需完成整改：护栏缺失"
    assert zh.body == "整改期限为 2026-11-24。"
    assert en.body == "The deadline is 2026-11-24."  # one date format in both languages
    (late,) = triggers.hazard_overdue([chinese.id], "护栏缺失", date(2026, 11, 20), "/h/2")
    assert late.title == "整改已逾期：护栏缺失"
    assert late.kind == "hazards.overdue"


def test_activity_reminder_shows_the_local_time(db):
    chinese, english = make_user(), make_user(locale="en")
    day_before = STARTS - timedelta(days=1)
    rows = triggers.activity_reminder(
        [chinese.id, english.id], "篮球赛", STARTS, "体育馆", "/a/3", now=day_before
    )
    zh, en = _by_locale(rows, chinese, english)
    assert zh.title == "明天的活动：篮球赛"
    assert zh.body == "2026-11-24 09:30 在 体育馆 开始。"
    assert en.body == "Starts 2026-11-24 09:30 at 体育馆."  # one date format in both languages
    assert zh.category is Category.ACTIVITIES


def test_waitlist_promotion_and_cancellation(db):
    user = make_user()
    (promoted,) = triggers.waitlist_promoted(user.id, "安全培训", STARTS, "/a/4")
    assert promoted.title == "您已由候补转为正式报名：安全培训"
    assert promoted.kind == "activities.promoted"
    (cancelled,) = triggers.activity_cancelled([user.id], "安全培训", STARTS, "场地维修", "/a/4")
    assert cancelled.title == "活动已取消：安全培训"
    assert cancelled.body == "原定于 2026-11-24 09:30 开始。取消原因：场地维修"
    (no_reason,) = triggers.activity_cancelled([user.id], "安全培训", STARTS, "", "/a/4")
    assert no_reason.body == "原定于 2026-11-24 09:30 开始。"
