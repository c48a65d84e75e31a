import re

import pytest
from sqlalchemy import select

from app.blueprints.notify import services
from app.extensions import db as _db
from app.models import Category, Notification, PushSubscription
from tests.factories import make_user
from tests.helpers import text
from tests.notify.push_service import Browser


def _notify(user, title, url="/me", kind="notices.new"):
    (row,) = services.notify([user.id], kind, title, "正文", url)
    _db.session.commit()
    return row


def test_inbox_needs_log_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_inbox_shows_unread_first_and_the_badge_counts_them(client, auth, db):
    user = make_user()
    read = _notify(user, "已读的消息")
    _notify(user, "第一条未读")
    _notify(user, "第二条未读")
    services.mark_read(read)
    db.session.commit()
    auth.login(user)

    page = client.get("/notifications/").get_data(as_text=True)

    titles = re.findall(r'<span class="row-title">(?:<span[^>]*></span>)?([^<]+)</span>', page)
    assert titles == ["第二条未读", "第一条未读", "已读的消息"]
    assert "2 条未读" in page
    assert re.search(r'id="nav-badge-notify-index" class="badge nav-badge">2</span>', page)
    assert "全部标为已读" in page


def test_the_badge_shows_on_every_page_and_hides_at_zero(client, auth, db):
    user = make_user()
    auth.login(user)
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'id="nav-badge-notify-index" class="badge nav-badge" hidden>0<', home)
    _notify(user, "新消息")
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'id="nav-badge-notify-index" class="badge nav-badge">1<', home)


def test_a_page_asks_the_unread_count_once_and_a_read_one_is_counted_off(
    client, auth, db, htmx_headers
):
    """The home page's inbox card and the bar's badge show one count, asked once; marking one
    read in a request counts it off at once."""
    from tests.helpers import statements

    user = make_user()
    first = _notify(user, "第一条")
    _notify(user, "第二条")
    auth.login(user)
    with statements(db.engine) as seen:
        home = client.get("/").get_data(as_text=True)
    assert re.search(r'id="nav-badge-notify-index" class="badge nav-badge">2<', home)
    counts = [s for s in seen if "count(" in s and "notifications.read_at IS NULL" in s]
    assert len(counts) == 1, counts
    fragment = client.post(f"/notifications/{first.id}/read", headers=htmx_headers).text
    assert re.search(r'hx-swap-oob="true">1<', fragment)
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'id="nav-badge-notify-index" class="badge nav-badge">1<', home)


def test_htmx_gets_the_list_fragment_with_the_badge_out_of_band(client, auth, htmx_headers):
    user = make_user()
    _notify(user, "片段")
    auth.login(user)
    fragment = client.get("/notifications/", headers=htmx_headers).get_data(as_text=True)
    assert "<html" not in fragment
    assert "片段" in fragment
    assert 'hx-swap-oob="true"' in fragment


def test_an_empty_inbox_says_so(client, auth):
    auth.login(make_user())
    assert "还没有消息" in client.get("/notifications/").get_data(as_text=True)


def test_opening_shows_it_unchanged_and_its_form_marks_read_and_goes_to_the_item(client, auth, db):
    user = make_user()
    row = _notify(user, "去看看", url="/me")
    auth.login(user)
    page = client.get(f"/notifications/{row.id}")
    assert page.status_code == 200 and "去看看" in page.get_data(as_text=True)
    # A GET changes nothing (issue 12, item 12): a link or an <img> elsewhere cannot.
    assert db.session.get(Notification, row.id).read_at is None
    assert "data-auto-submit" in page.get_data(as_text=True)

    response = client.post(f"/notifications/{row.id}/read", data={"go": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/me"
    db.session.expire_all()
    assert db.session.get(Notification, row.id).read_at is not None


def test_someone_elses_notification_is_not_found(client, auth, db):
    owner, other = make_user(), make_user()
    row = _notify(owner, "私人")
    auth.login(other)
    assert client.get(f"/notifications/{row.id}").status_code == 404
    assert client.post(f"/notifications/{row.id}/read").status_code == 404
    assert db.session.get(Notification, row.id).read_at is None


def test_mark_read_without_javascript_redirects_back(client, auth, db):
    user = make_user()
    row = _notify(user, "x")
    auth.login(user)
    response = client.post(f"/notifications/{row.id}/read")
    assert response.status_code == 303
    assert response.headers["Location"] == "/notifications/"
    assert services.unread_count(user) == 0
    # From a later page, back to that page.
    response = client.post(f"/notifications/{row.id}/read?page=3")
    assert response.headers["Location"] == "/notifications/?page=3"


def test_mark_read_with_htmx_returns_the_entry_and_the_new_badge(client, auth, htmx_headers):
    user = make_user()
    row = _notify(user, "x")
    _notify(user, "y")
    auth.login(user)
    fragment = client.post(f"/notifications/{row.id}/read", headers=htmx_headers).get_data(
        as_text=True
    )
    assert f'id="notification-{row.id}"' in fragment
    assert "is-unread" not in fragment
    assert re.search(r'hx-swap-oob="true">1<', fragment)


def test_mark_read_with_htmx_updates_the_inbox_s_unread_count_too(client, auth, htmx_headers):
    """The header above the list says what the badge says, without a reload; after the last
    unread one, "all read" and no "mark all read" button."""
    user = make_user()
    first, second = _notify(user, "第一条"), _notify(user, "第二条")
    auth.login(user)
    assert "2 条未读" in client.get("/notifications/").get_data(as_text=True)
    fragment = client.post(f"/notifications/{first.id}/read", headers=htmx_headers).text
    toolbar = re.search(
        r'<div class="toolbar" id="inbox-toolbar" hx-swap-oob="true">.*?</div>', fragment, re.S
    )
    assert toolbar and "1 条未读" in toolbar.group(0) and "全部标为已读" in toolbar.group(0)
    fragment = client.post(f"/notifications/{second.id}/read", headers=htmx_headers).text
    toolbar = re.search(r'id="inbox-toolbar" hx-swap-oob="true">.*?</div>', fragment, re.S)
    assert "全部已读" in toolbar.group(0) and "全部标为已读" not in toolbar.group(0)
    # The page itself carries the toolbar in place, not out of band.
    page = client.get("/notifications/").text
    assert '<div class="toolbar" id="inbox-toolbar">' in page and "hx-swap-oob" not in page


def test_mark_all_read(client, auth):
    user = make_user()
    _notify(user, "a")
    _notify(user, "b")
    auth.login(user)
    response = client.post("/notifications/read", follow_redirects=True)
    assert "已将 2 条消息标为已读" in response.get_data(as_text=True)
    assert services.unread_count(user) == 0


def test_settings_show_and_save_push_preferences(client, auth, db):
    user = make_user()
    auth.login(user)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "以下消息同时推送" in page
    assert len(re.findall(r'<input checked[^>]*type="checkbox"', page)) == 5  # on by default
    assert "帮扶维权：我的大事互助申请和诉求的每一步进展" in page
    assert "data-public-key=" in page

    response = client.post("/notifications/settings", data={"activities": "y"})
    assert response.status_code == 303
    assert services.push_preferences(user) == {
        Category.HAZARDS: False,
        Category.ACTIVITIES: True,
        Category.NOTICES: False,
        Category.PROPOSALS: False,
        Category.CARE_RIGHTS: False,
    }
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "消息设置已保存" in page
    assert re.findall(r'<input checked[^>]*name="(\w+)"', page) == ["activities"]


def test_the_test_button_puts_a_notification_in_the_inbox(client, auth, db):
    user = make_user()
    auth.login(user)
    response = client.post("/notifications/test", follow_redirects=True)
    assert "测试通知已放入消息箱" in response.get_data(as_text=True)
    (row,) = db.session.scalars(select(Notification)).all()
    assert (row.user_id, row.title, row.category) == (user.id, "测试通知", Category.SYSTEM)


def test_public_key_is_the_vapid_key(client):
    from app.blueprints.notify.push import application_server_key

    key = client.get("/notifications/vapid-public-key").get_json()["publicKey"]
    assert key == application_server_key()
    assert len(key) == 87  # base64url of a 65-byte uncompressed P-256 point


def _subscription(endpoint="https://fcm.googleapis.com/fcm/send/abc"):
    return Browser().subscription(endpoint)


def test_subscribe_and_unsubscribe(client, auth, db):
    user = make_user()
    auth.login(user)
    response = client.post("/notifications/subscriptions", json=_subscription())
    assert response.status_code == 201
    assert response.get_json() == {"ok": True, "devices": 1}
    sub = db.session.scalar(select(PushSubscription))
    assert (sub.user_id, sub.endpoint) == (user.id, "https://fcm.googleapis.com/fcm/send/abc")

    # The same browser again: still one row.
    client.post("/notifications/subscriptions", json=_subscription())
    assert len(db.session.scalars(select(PushSubscription)).all()) == 1

    response = client.post("/notifications/subscriptions/delete", json={"endpoint": sub.endpoint})
    assert response.get_json() == {"ok": True, "devices": 0}
    assert db.session.scalar(select(PushSubscription)) is None


def test_a_second_account_on_the_same_phone_takes_the_subscription_over(client, auth, db):
    first, second = make_user(), make_user()
    auth.login(first)
    client.post("/notifications/subscriptions", json=_subscription())
    auth.logout()
    auth.login(second)
    client.post("/notifications/subscriptions", json=_subscription())
    (sub,) = db.session.scalars(select(PushSubscription)).all()
    assert sub.user_id == second.id


def test_someone_elses_subscription_cannot_be_deleted(client, auth, db):
    owner, other = make_user(), make_user()
    services.save_subscription(owner, _subscription())
    db.session.commit()
    auth.login(other)
    client.post(
        "/notifications/subscriptions/delete",
        json={"endpoint": "https://fcm.googleapis.com/fcm/send/abc"},
    )
    assert db.session.scalar(select(PushSubscription)) is not None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"endpoint": "http://push.example.com/x", "keys": {}}, "endpoint"),
        ({"endpoint": "http://127.0.0.1:8000/x", "keys": {}}, "endpoint"),
        ({"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "AAAA"}}, "p256dh"),
        ({"endpoint": "https://fcm.googleapis.com/x"}, "auth"),
        (["not", "a", "dict"], "subscription"),
    ],
)
def test_a_bad_subscription_is_refused_with_reasons(client, auth, db, body, field):
    auth.login(make_user())
    response = client.post("/notifications/subscriptions", json=body)
    assert response.status_code == 400
    data = response.get_json()
    assert data["error"] == "此推送订阅无法使用。"
    assert field in data["errors"]
    assert db.session.scalar(select(PushSubscription)) is None


def test_subscribing_needs_a_session(client):
    response = client.post(
        "/notifications/subscriptions", json=_subscription(), headers={"Sec-Fetch-Mode": "cors"}
    )
    assert response.status_code == 401


def test_the_service_worker_renews_a_subscription_by_its_old_endpoint(client, db):
    user = make_user()
    services.save_subscription(user, _subscription("https://fcm.googleapis.com/fcm/send/old"))
    db.session.commit()
    new = _subscription("https://fcm.googleapis.com/fcm/send/new")

    unknown = client.post(
        "/notifications/subscriptions/renew",
        json={"old_endpoint": "https://fcm.googleapis.com/fcm/send/nope", "subscription": new},
    )
    assert unknown.status_code == 404
    response = client.post(
        "/notifications/subscriptions/renew",
        json={"old_endpoint": "https://fcm.googleapis.com/fcm/send/old", "subscription": new},
    )
    assert response.status_code == 200
    (sub,) = db.session.scalars(select(PushSubscription)).all()
    assert (sub.user_id, sub.endpoint, sub.p256dh) == (
        user.id,
        "https://fcm.googleapis.com/fcm/send/new",
        new["keys"]["p256dh"],
    )


def test_non_json_subscription_body_is_a_400(client, auth):
    auth.login(make_user())
    response = client.post("/notifications/subscriptions", data="x")
    assert response.status_code == 400
    assert response.get_json() == {"error": "这不是有效的推送订阅。"}


@pytest.mark.parametrize(
    "url",
    [
        "/notifications/subscriptions",
        "/notifications/subscriptions/delete",
        "/notifications/subscriptions/renew",
    ],
)
def test_json_nested_past_what_the_parser_reads_is_a_400(client, auth, db, url):
    auth.login(make_user())
    response = client.post(url, data="[" * 5000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "这不是有效的推送订阅。"}
    assert db.session.scalar(select(PushSubscription)) is None


def test_the_home_page_has_a_card_for_unread_messages(client, auth):
    user = make_user()
    auth.login(user)
    assert "条未读消息" not in client.get("/").get_data(as_text=True)
    _notify(user, "旧的")
    _notify(user, "最新的一条")
    page = client.get("/").get_data(as_text=True)
    assert "2 条未读消息" in page
    assert "最新的一条" in page
    assert 'href="/notifications/"' in page


def test_demo_data_gives_each_demo_user_an_inbox_once(db):
    from app.blueprints.notify.demo import load_demo_notifications

    users = [make_user(), make_user(locale="en")]
    numbers = [u.employee_no for u in users]
    assert load_demo_notifications(numbers) == 4
    db.session.commit()
    assert load_demo_notifications(numbers) == 0
    titles = {(row.user_id, row.title) for row in db.session.scalars(select(Notification))}
    assert titles == {
        (users[0].id, "欢迎使用职工之家"),
        (users[0].id, "请核对您的个人信息"),
        (users[1].id, "Welcome to Workers' Home"),
        (users[1].id, "Check your details"),
    }


def test_past_99_unread_the_badge_card_and_inbox_say_99_plus(client, auth, db):
    """The count stops at 100: an officer who leaves a busy network's reports unread gathers
    thousands, and counting them all would read every one on every page."""
    user = make_user()
    services.notify_many([([user.id], "system.test", f"消息 {n}", "", "") for n in range(120)])
    db.session.commit()
    assert services.unread_count(user) == services.UNREAD_CAP == 100
    auth.login(user)

    home = client.get("/").get_data(as_text=True)
    assert "99+ 条未读消息" in home
    assert "100 条未读消息" not in home
    assert re.search(r'id="nav-badge-notify-index" class="badge nav-badge">99\+</span>', home)
    inbox = client.get("/notifications/").get_data(as_text=True)
    assert "99+ 条未读" in inbox


def test_at_99_unread_the_card_still_gives_the_number(client, auth, db):
    user = make_user()
    services.notify_many([([user.id], "system.test", f"消息 {n}", "", "") for n in range(99)])
    db.session.commit()
    auth.login(user)
    home = client.get("/").get_data(as_text=True)
    assert "99 条未读消息" in home
    assert "99+" not in home


def test_a_page_past_the_end_of_the_inbox_says_so_and_not_that_the_inbox_is_empty(client, auth):
    user = make_user()
    for n in range(3):
        _notify(user, f"第{n}条")
    auth.login(user)
    page = text(client.get("/notifications/?page=9"))
    assert "这一页没有内容。" in page and "回到第一页" in page
    assert "没有消息" not in page
    assert 'href="/notifications/">回到第一页<' in client.get("/notifications/?page=9").text
