import re
from datetime import timedelta

import pytest

from app.blueprints.activities import queries, services
from app.errors import Refused
from app.extensions import db as _db
from app.models._types import utcnow
from app.models.activities import ParticipationStatus
from tests.activities.factories import make_activity
from tests.factories import make_department, make_user
from tests.helpers import text

CONFIRMED = ParticipationStatus.CONFIRMED
WAITLISTED = ParticipationStatus.WAITLISTED


def test_full_activity_waitlists_and_a_cancellation_promotes_the_first_in_line(app):
    activity = make_activity(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    assert services.sign_up(first, activity).status is CONFIRMED
    assert services.sign_up(second, activity).status is WAITLISTED
    third_place = services.sign_up(third, activity)
    assert queries.waitlist_position(third_place) == 2

    services.cancel_sign_up(first, activity)

    assert queries.my_participation(second, activity, fresh=True).status is CONFIRMED
    assert queries.my_participation(third, activity, fresh=True).status is WAITLISTED
    assert queries.waitlist_position(queries.my_participation(third, activity)) == 1
    assert queries.confirmed_count(activity.id) == 1


def test_a_sign_up_inside_a_savepoint_is_undone_with_it(app, db):
    """Services flush and never commit, so a sync batch can drop one record's savepoint."""
    activity = make_activity(capacity=1)
    user = make_user()
    savepoint = db.session.begin_nested()
    services.sign_up(user, activity)
    savepoint.rollback()
    db.session.commit()
    assert queries.my_participation(user, activity, fresh=True) is None
    assert queries.confirmed_count(activity.id) == 0


def test_leaving_the_waitlist_promotes_nobody(app):
    activity = make_activity(capacity=1)
    first, second = make_user(), make_user()
    services.sign_up(first, activity)
    services.sign_up(second, activity)
    services.cancel_sign_up(second, activity)
    assert queries.my_participation(first, activity, fresh=True).status is CONFIRMED
    assert queries.my_participation(second, activity, fresh=True).status is (
        ParticipationStatus.CANCELLED
    )


def test_signing_up_twice_is_refused_and_changes_nothing(app):
    activity = make_activity(capacity=5)
    user = make_user()
    services.sign_up(user, activity)
    with pytest.raises(Refused, match="已经报名"):
        services.sign_up(user, activity)
    assert queries.confirmed_count(activity.id) == 1


def test_sign_up_again_after_cancelling_goes_to_the_back_of_the_queue(app):
    activity = make_activity(capacity=1)
    first, second = make_user(), make_user()
    services.sign_up(first, activity)
    services.cancel_sign_up(first, activity)
    services.sign_up(second, activity)
    assert services.sign_up(first, activity).status is WAITLISTED


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"signup_opens_at": utcnow() + timedelta(days=1)}, "报名将于"),
        ({"signup_closes_at": utcnow() - timedelta(minutes=1)}, "报名已于"),
    ],
)
def test_sign_up_outside_the_window_is_refused(app, window, message):
    activity = make_activity(**window)
    with pytest.raises(Refused, match=message):
        services.sign_up(make_user(), activity)
    assert queries.confirmed_count(activity.id) == 0


def test_audience_is_departments_and_their_teams(app):
    workshop = make_department("机加工车间")
    team = make_department("车工班", parent=workshop)
    other = make_department("装配车间")
    activity = make_activity(departments=[workshop])
    services.sign_up(make_user(department=team), activity)
    services.sign_up(make_user(department=workshop), activity)
    with pytest.raises(Refused, match="其他部门"):
        services.sign_up(make_user(department=other), activity)
    with pytest.raises(Refused, match="其他部门"):
        services.sign_up(make_user(), activity)
    assert queries.confirmed_count(activity.id) == 2


def test_cancelling_after_the_deadline_is_refused(app):
    activity = make_activity(cancel_deadline=utcnow() - timedelta(minutes=1))
    user = make_user()
    services.sign_up(user, activity)
    with pytest.raises(Refused, match="取消报名已于"):
        services.cancel_sign_up(user, activity)
    assert queries.my_participation(user, activity, fresh=True).status is CONFIRMED


def test_no_sign_up_for_a_cancelled_activity(app):
    organizer = make_user("organizer")
    activity = make_activity()
    services.cancel_activity(organizer, activity, "天气原因")
    with pytest.raises(Refused, match="已取消"):
        services.sign_up(make_user(), activity)


def test_signing_up_through_the_page(client, auth):
    activity = make_activity(capacity=1)
    auth.login(make_user(name="张三"))
    response = client.post(f"/activities/{activity.id}/signup")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "您已报名" in page
    assert f"/activities/{activity.id}/code.svg" in page


def test_the_sign_up_widget_answers_htmx_with_itself(client, auth, htmx_headers):
    activity = make_activity(capacity=1)
    services.sign_up(make_user(), activity)
    auth.login(make_user())
    response = client.post(f"/activities/{activity.id}/signup", headers=htmx_headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith("<section")
    assert "候补第 1 位" in html
    again = client.post(f"/activities/{activity.id}/signup", headers=htmx_headers)
    assert again.status_code == 422
    assert "您已在候补名单中" in again.get_data(as_text=True)


def test_cancel_through_the_page_after_the_deadline_says_why(client, auth):
    activity = make_activity(cancel_deadline=utcnow() - timedelta(hours=1))
    user = make_user()
    services.sign_up(user, activity)
    auth.login(user)
    response = client.post(f"/activities/{activity.id}/signup/cancel", follow_redirects=True)
    assert "取消报名已于" in response.get_data(as_text=True)


def test_activity_of_another_department_says_so_and_refuses_sign_up(client, auth):
    activity = make_activity(departments=[make_department("装配车间")])
    auth.login(make_user(department=make_department("机加工车间")))
    assert activity.title not in client.get("/activities/").get_data(as_text=True)
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "本活动面向其他部门" in page and "报名</button>" not in page
    response = client.post(f"/activities/{activity.id}/signup", headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "本活动面向其他部门，您不能报名" in response.get_data(as_text=True)
    assert queries.confirmed_count(activity.id) == 0


def test_list_tabs(client, auth):
    user = make_user()
    open_one = make_activity(title="国庆文艺汇演")
    mine = make_activity(title="安全知识竞赛")
    past = make_activity(
        title="新年联欢会",
        starts_at=utcnow() - timedelta(days=3),
        ends_at=utcnow() - timedelta(days=3, hours=-2),
        signup_closes_at=utcnow() - timedelta(days=4),
        cancel_deadline=utcnow() - timedelta(days=4),
        signup_opens_at=utcnow() - timedelta(days=10),
    )
    services.sign_up(user, mine)
    auth.login(user)
    open_page = client.get("/activities/").get_data(as_text=True)
    assert open_one.title in open_page and mine.title in open_page
    assert past.title not in open_page
    mine_page = client.get("/activities/?tab=mine", headers={"HX-Request": "true"})
    text = mine_page.get_data(as_text=True)
    assert mine.title in text and open_one.title not in text
    assert "<html" not in text
    assert past.title in client.get("/activities/?tab=past").get_data(as_text=True)


def test_a_sign_up_locks_the_activity_without_touching_its_key(app, db, count_queries):
    """Sign-ups to one activity go one at a time (a row lock). On SQLite the lock is an UPDATE
    of the row: setting its id would make SQLite check every table that refers to activities,
    a full scan of those without an index, under the write lock, at every sign-up."""
    activity = make_activity(capacity=5)
    with count_queries() as seen:
        services.sign_up(make_user(), activity)
    if db.engine.dialect.name == "postgresql":
        assert any("FOR UPDATE" in s for s in seen.statements)
    else:
        [lock] = [s for s in seen.statements if s.startswith("UPDATE activities")]
        assert lock.startswith("UPDATE activities SET kind=activities.kind WHERE")


def test_the_home_cards_count_what_each_person_may_still_join_and_show_their_next(client, auth, db):
    """The cards' first look is one statement with the person's teams bound: each person,
    one after another, gets their own count and their own next activity."""
    workshop = make_department("机加工车间")
    inside = make_user(department=make_department("车工班", parent=workshop))
    outside = make_user(department=make_department("装配车间"))
    nowhere = make_user()
    make_activity(title="全厂拔河赛")
    mine = make_activity(title="车间技能比武", departments=[workshop])
    make_activity(title="已截止的讲座", signup_closes_at=utcnow() - timedelta(hours=1))

    def cards(person) -> str:
        auth.login(person)
        page = text(client.get("/")).split('id="home-cards"')[1]
        auth.logout()
        return page

    def open_count(person) -> str | None:
        found = re.search(r'正在报名 <span class="badge">(\d+)</span>', cards(person))
        return found and found[1]

    assert [open_count(p) for p in (inside, outside, nowhere)] == ["2", "1", "1"]
    assert "您的下一个活动" not in cards(inside)
    services.sign_up(inside, mine)
    db.session.commit()
    seen = cards(inside)
    assert "您的下一个活动：车间技能比武" in seen
    assert [open_count(p) for p in (inside, outside)] == ["1", "1"]


def test_signing_up_in_the_page_updates_its_places_count(client, auth, htmx_headers):
    activity = make_activity(capacity=1)
    auth.login(make_user())
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert '<dd id="places">已报名 0 / 1</dd>' in page
    html = client.post(f"/activities/{activity.id}/signup", headers=htmx_headers).text
    assert "您已报名" in html
    assert '<dd id="places" hx-swap-oob="true">已报名 1 / 1</dd>' in html
    auth.logout()
    auth.login(make_user())
    services.sign_up(make_user(), activity)  # someone joined the waitlist meanwhile
    _db.session.commit()
    html = client.post(f"/activities/{activity.id}/signup", headers=htmx_headers).text
    assert "候补第 2 位" in html
    assert '<dd id="places" hx-swap-oob="true">已报名 1 / 1 · 候补 2 人</dd>' in html
    html = client.post(f"/activities/{activity.id}/signup/cancel", headers=htmx_headers).text
    assert '<dd id="places" hx-swap-oob="true">已报名 1 / 1 · 候补 1 人</dd>' in html


def test_the_open_tab_puts_what_can_be_signed_up_for_now_first_as_the_home_card_counts(
    client, auth
):
    now = utcnow()
    make_activity(title="岗位练兵：数控车床", signup_opens_at=now + timedelta(days=7))
    make_activity(title="职工篮球友谊赛", signup_closes_at=now - timedelta(hours=1))
    make_activity(title="职工联欢会", starts_at=now + timedelta(days=12))
    auth.login(make_user())
    page = text(client.get("/activities/"))
    headings = ["正在报名", "职工联欢会", "即将开放报名", "岗位练兵：数控车床", "报名将于"]
    headings += ["报名已截止", "职工篮球友谊赛"]
    positions = [page.index(words) for words in headings]
    assert positions == sorted(positions)
    home = text(client.get("/"))
    assert re.search(r'正在报名 <span class="badge">1</span>', home)


def test_a_page_past_the_end_of_the_list_does_not_say_nothing_is_open(client, auth):
    make_activity(title="国庆文艺汇演")
    auth.login(make_user())
    page = text(client.get("/activities/?page=9"))
    assert "这一页没有内容。" in page and "回到第一页" in page
    assert "没有向您开放的活动" not in page
    assert 'href="/activities/?tab=open">回到第一页<' in client.get("/activities/?page=9").text


def test_a_cancelled_activity_says_the_sign_up_no_longer_applies(client, auth):
    activity = make_activity(capacity=1)
    signed_up, waiting = make_user(), make_user()
    services.sign_up(signed_up, activity)
    services.sign_up(waiting, activity)
    services.cancel_activity(make_user("organizer"), activity, "场地维修")
    _db.session.commit()
    for person, says in (
        (signed_up, "您曾报名本活动，但活动已取消，报名已失效。"),
        (waiting, "您曾在候补名单中，但活动已取消。"),
    ):
        auth.login(person)
        page = text(client.get(f"/activities/{activity.id}"))
        assert "本活动已取消。" in page and says in page
        assert "您已报名成功" not in page and "候补第" not in page
        assert "取消报名</button>" not in page and "退出候补</button>" not in page
        assert "名额" not in page and "已报名 1 / 1" not in page  # no places of a void sign-up
        # The list marks it cancelled, not also signed up or waiting.
        listed = text(client.get("/activities/?tab=mine"))
        assert f">{activity.title}<" in listed and ">已取消<" in listed, listed
        assert ">已报名<" not in listed and ">候补中<" not in listed
        assert "已报名 1 / 1" not in listed and "候补 1 人" not in listed
        auth.logout()
