"""Every /appeals route × every role. The rights officer (organizers and the chairman) sees and
handles every appeal; a member sees only their own named appeals; nobody else — not the
appellant's department head, not a management account even with an organizer's role — sees an
appeal, its list or its statistics (404 for an appeal, so keys are no guide; 403 for pages)."""

from datetime import UTC, date, datetime

import pytest

from app import storage
from app.blueprints.appeals import services, statistics
from app.extensions import db as _db
from app.models.appeals import AppealPhoto
from tests.appeals.conftest import APPEAL, jpeg, raise_anonymous, raise_named, step
from tests.conftest import AuthActions
from tests.factories import make_department, make_user
from tests.helpers import full_width, text

PEOPLE = [
    "author",
    "other_member",
    "inspector",
    "safety_officer",
    "care_officer",
    "head",
    "head_organizer",
    "officer",
    "chairman",
]
OFFICERS = {"officer", "chairman"}


def _person(cast, name):
    return cast.member if name == "author" else getattr(cast, name)


def _photo(appeal):
    stored = storage.save(storage.prepare(jpeg()))
    _db.session.add(AppealPhoto(appeal_key=appeal.key, sha256=stored.sha256))
    _db.session.commit()
    return stored.sha256


@pytest.fixture
def appeals(cast):
    named = raise_named(cast.member, title="实名：夜班没有热饭")
    anonymous, code = raise_anonymous(cast.member, title="匿名：班长不公")
    answered = step(cast.officer, raise_named(cast.member, title="实名：已答复"), "acknowledge")
    step(cast.officer, answered, "answer")
    return {
        "named": named,
        "anonymous": anonymous,
        "code": code,
        "answered": answered,
        "sha": _photo(named),
    }


# (method, url, data, expected: officer, author, anyone else)
def _cases(a):
    named, anon = a["named"].key, a["anonymous"].key
    return [
        ("GET", "/appeals/", None, (200, 200, 200)),
        ("GET", "/appeals/?tab=overdue", None, (200, 200, 200)),
        ("GET", "/appeals/new", None, (200, 200, 200)),
        ("POST", "/appeals/new", APPEAL, (303, 303, 303)),
        ("GET", "/appeals/follow", None, (200, 200, 200)),
        ("POST", "/appeals/follow", {"code": a["code"]}, (200, 200, 200)),
        ("GET", f"/appeals/{named}", None, (200, 200, 404)),
        ("GET", f"/appeals/{anon}", None, (200, 404, 404)),
        ("POST", f"/appeals/{named}/steps", {"action": "acknowledge"}, (303, 403, 404)),
        ("POST", f"/appeals/{anon}/steps", {"action": "acknowledge"}, (303, 404, 404)),
        ("POST", f"/appeals/{a['answered'].key}/rate", {"rating": "satisfied"}, (403, 303, 404)),
        ("GET", f"/appeals/{named}/photos/{a['sha']}", None, (200, 200, 404)),
        ("GET", f"/appeals/{named}/photos/{a['sha']}/thumb", None, (200, 200, 404)),
        ("GET", "/appeals/stats", None, (200, 403, 403)),
        ("GET", "/appeals/stats?year=2026", None, (200, 403, 403)),
    ]


@pytest.mark.parametrize("who", PEOPLE)
def test_every_route_for_every_role(app, cast, appeals, who):
    person = _person(cast, who)
    column = 0 if who in OFFICERS else 1 if who == "author" else 2

    for method, url, data, expected in _cases(appeals):
        client = app.test_client()  # a fresh phone per request: no step depends on another
        AuthActions(client).login(person)
        response = client.open(url, method=method, data=data)
        response.close()  # a photo is streamed from its file
        assert response.status_code == expected[column], (who, method, url)


def test_logged_out_visitors_are_sent_to_log_in(client, appeals):
    for url in ("/appeals/", "/appeals/new", "/appeals/follow", "/appeals/stats"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get(f"/appeals/{appeals['named'].key}").status_code == 302


@pytest.mark.parametrize("who", ["head", "head_organizer"])
def test_the_appellants_department_head_never_sees_an_appeal(client, auth, cast, appeals, who):
    auth.login(_person(cast, who))
    for tab in ("", "?tab=all", "?tab=overdue", "?tab=answered"):
        page = text(client.get(f"/appeals/{tab}"))
        assert "实名：夜班没有热饭" not in page and "匿名：班长不公" not in page
        assert "待办理的诉求" not in page  # no queue at all
    assert client.get(f"/appeals/{appeals['named'].key}").status_code == 404
    assert client.get(f"/appeals/{appeals['anonymous'].key}").status_code == 404
    assert client.get("/appeals/stats").status_code == 403
    assert client.get("/").status_code == 200 and "职工诉求" not in text(client.get("/"))


def test_the_officer_sees_the_queue_and_the_author_only_their_own(client, auth, cast, appeals):
    auth.login(cast.officer)
    queue = text(client.get("/appeals/?tab=all"))
    assert "实名：夜班没有热饭" in queue and "匿名：班长不公" in queue
    assert "刘职工" in queue and "匿名" in queue
    # htmx asks for the queue alone
    fragment = text(client.get("/appeals/?tab=all", headers={"HX-Request": "true"}))
    assert "实名：夜班没有热饭" in fragment and "<html" not in fragment
    auth.logout()
    auth.login(cast.member)
    mine = text(client.get("/appeals/"))
    assert "实名：夜班没有热饭" in mine and "匿名：班长不公" not in mine


def test_the_chairman_alone_when_so_configured(app, cast, appeals):
    app.config["APPEALS_OFFICERS"] = "chairman"

    for person, status in ((cast.officer, 404), (cast.chairman, 200)):
        client = app.test_client()
        AuthActions(client).login(person)
        assert client.get(f"/appeals/{appeals['named'].key}").status_code == status


def test_statistics_suppress_small_counts(app, cast):
    for i in range(4):
        raise_named(cast.member, title=f"工资{i}")
    raise_named(cast.member, category="hours", title="工时")
    raise_named(cast.member, category="safety", title="安全1")
    raise_named(cast.member, category="safety", title="安全2")
    raise_named(cast.member, category="living", title="食堂1")
    raise_named(cast.member, category="living", title="食堂2")
    raise_named(cast.member, category="living", title="食堂3")
    figures = statistics.figures()
    by_category = {str(label): cell for label, cell in figures.by_category}
    assert figures.total.shown == "10" and figures.total.value == 10
    assert by_category["工资待遇"].shown == "4"
    assert by_category["工时与休假"].shown == "<3" and by_category["工时与休假"].value is None
    assert by_category["安全条件"].shown == "<3"
    assert by_category["食堂、通勤与生活条件"].shown == "3"
    assert by_category["其他"].shown == "0"
    # A single hidden cell would follow from the total: one more is hidden with it.
    lone = statistics._suppress({"a": 1, "b": 5, "c": 4}, 3)
    assert [c.value for c in lone.values()] == [None, 5, None]
    # The page shows the same, and no raw small count.
    client = app.test_client()
    AuthActions(client).login(cast.officer)
    page = text(client.get("/appeals/stats"))
    assert "工时与休假</th><td>&lt;3" in client.get("/appeals/stats").get_data(as_text=True)
    assert "机加工车间" in page


def _acknowledged(cast, moments) -> None:
    """An appeal to be acknowledged by 2026-11-20, acknowledged at each of `moments`."""
    for i, moment in enumerate(moments):
        appeal = raise_named(cast.member, title=f"期限{i}")
        appeal.acknowledge_by = date(2026, 11, 20)
        appeal.acknowledged_at = moment
    _db.session.commit()


def test_on_time_is_judged_on_the_union_s_day_not_utc(app, cast):
    """Acknowledged at 01:00 Shanghai on the day after the deadline is late, although it is
    still the deadline's day in UTC; at 23:00 Shanghai on the deadline's day it is on time."""
    moments = [
        datetime(2026, 11, 20, 17, 0, tzinfo=UTC),  # 11-21 01:00 in Shanghai: late
        datetime(2026, 11, 20, 17, 30, tzinfo=UTC),  # late
        datetime(2026, 11, 20, 15, 0, tzinfo=UTC),  # 11-20 23:00 in Shanghai: on time
        datetime(2026, 11, 20, 2, 0, tzinfo=UTC),  # on time
    ]
    _acknowledged(cast, moments)
    assert statistics.figures(k=2).acknowledged_on_time.value == 2


def test_a_bad_year_on_the_statistics_is_a_clear_400(client, auth, cast):
    auth.login(cast.officer)
    for year in ("1999", "abc", "٢٠٢٦", "99999"):
        response = client.get(f"/appeals/stats?year={year}")
        assert response.status_code == 400 and "请选择 2000 到" in text(response)


def test_the_statistics_read_a_year_typed_in_full_width_digits(client, auth, cast):
    auth.login(cast.officer)
    this_year = services.local_today().year
    response = client.get(f"/appeals/stats?year={full_width(str(this_year))}")
    assert response.status_code == 200 and f"{this_year}" in text(response)


def test_an_officer_without_appeals_of_their_own_sees_the_work_first(client, auth, cast):
    auth.login(cast.officer)
    page = text(client.get("/appeals/"))
    assert "我的实名诉求" not in page and "您还没有提出实名诉求" not in page
    assert "待办理的诉求" in page
    raise_named(cast.officer, title="我自己的诉求")
    page = text(client.get("/appeals/"))
    assert "我的实名诉求" in page and "我自己的诉求" in page
    auth.logout()
    # A member without appeals is still invited to raise one.
    auth.login(cast.member)
    page = text(client.get("/appeals/"))
    assert "我的实名诉求" in page and "您还没有提出实名诉求。" in page


def test_the_officers_queue_runs_as_many_statements_for_many_authors_as_for_one(
    client, auth, cast, count_queries
):
    def queue():
        _db.session.expire_all()  # each look starts as a request does, nothing loaded yet
        with count_queries() as counter:
            page = client.get("/appeals/")
        assert page.status_code == 200
        return counter.count

    raise_named(cast.member, title="第一件")
    auth.login(cast.officer)
    one = queue()
    for i in range(3):  # named, each by another member of another workshop
        raise_named(make_user(department=make_department(f"车间{i}")), title=f"诉求{i}")
    assert queue() == one


def test_on_time_in_a_zone_with_daylight_saving_is_judged_on_its_day(app, cast):
    """Where the union's clock has daylight saving (Berlin: UTC+1 in November) the days are
    not worked out in SQL, and the figure is the same as on a fixed clock."""
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Berlin"
    moments = [
        datetime(2026, 11, 20, 23, 30, tzinfo=UTC),  # 11-21 00:30 in Berlin: late
        datetime(2026, 11, 20, 22, 30, tzinfo=UTC),  # 11-20 23:30 in Berlin: on time
        datetime(2026, 11, 20, 2, 0, tzinfo=UTC),  # on time
    ]
    _acknowledged(cast, moments)
    assert statistics.figures(k=2).acknowledged_on_time.value == 2


def test_the_statistics_read_a_fixed_number_of_statements(client, auth, cast, count_queries):
    """However many appeals, in however many categories, workshops and months: the same few
    statements, each counted by the database."""
    auth.login(cast.officer)
    year = services.local_today().year

    def statements() -> int:
        _db.session.expire_all()  # each look starts as a request does, nothing loaded yet
        with count_queries() as counter:
            assert client.get(f"/appeals/stats?year={year}").status_code == 200
        return counter.count

    raise_named(cast.member, title="一条")
    few = statements()
    for i, category in enumerate(("wages", "hours", "safety", "living", "other")):
        appeal = raise_named(cast.other_member, category=category, title=f"诉求{i}")
        appeal.raised_on = date(year, i + 1, 1)
        step(cast.officer, appeal, "acknowledge", "answer")
    assert statements() == few <= 10
