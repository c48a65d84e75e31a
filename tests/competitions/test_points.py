"""A competition's points come from the records by its rules: the standings equal what the
rules give, a changed rule recomputes them, and a withdrawn record takes its points away."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from app.blueprints.competitions import points
from app.blueprints.proposals import services as proposal_services
from app.blueprints.safety import services as safety
from app.extensions import db as _db
from app.models import Role, User
from app.models._types import utcnow
from app.models.activities import ActivityKind, Participation, ParticipationStatus, RoundScore
from app.models.competitions import PointSource
from app.models.safety import Area, PatrolPlan
from tests.activities.factories import make_activity
from tests.factories import make_user
from tests.helpers import text
from tests.proposals.conftest import advance
from tests.safety.factories import assign, make_area, make_checklist, make_hazard, step

RULES = {
    "points_proposal_adopted": "10",
    "points_proposal_benefit": "1",
    "points_hazard_verified": "5",
    "points_patrol_on_plan": "2",
    "points_training_passed": "3",
    "points_drill_score": "",
}


@pytest.fixture
def contest(cast, client, auth):
    now = utcnow()
    competition = make_activity(
        ActivityKind.COMPETITION,
        title="安康杯",
        starts_at=now - timedelta(days=10),
        ends_at=now + timedelta(days=10),
        rounds=1,
    )
    auth.login(cast.organizer)
    assert client.post(f"/competitions/{competition.id}/rules", data=RULES).status_code == 303
    auth.logout()
    return competition


def _patrol(inspector, area, started_at=None, finished_at=None):
    version = safety.checklist_for(area)
    answers = [{"item_id": i.id, "answer": "yes", "note": ""} for i in version.items]
    data = {"area_id": area.id, "checklist_id": version.id, "answers": answers}
    if started_at is not None:
        data["started_at"] = started_at.isoformat()
    if finished_at is not None:
        data["finished_at"] = finished_at.isoformat()
    safety.record_patrol(inspector, data)
    _db.session.commit()


def _totals(client, activity) -> dict[str, float]:
    page = client.get(f"/competitions/{activity.id}").get_data(as_text=True)
    return {
        name: float(total)
        for name, total in re.findall(r'<li data-name="([^"]+)" data-total="([^"]+)">', page)
    }


def test_points_equal_the_rules_recompute_and_leave_with_a_withdrawn_record(
    client,
    auth,
    cast,
    contest,
    db,
):
    # Proposals: one adopted (60 / 40), one implemented with 48,000 yuan a year.
    adopted = advance(cast, "adopted")
    advance(cast, "implemented", title="刀具刃磨夹具")
    # Hazards: one verified, one rejected, one still open — all reported by the outsider.
    officer, other_officer = cast.officer, make_user(Role.SAFETY_OFFICER, name="周验收")
    area = make_area(department=cast.workshop)
    make_checklist()
    verified = make_hazard(reporter=cast.outsider, area=area, title="护栏松动")
    assign(verified, officer, cast.inspector)
    step(verified, cast.inspector, "start")
    step(verified, cast.inspector, "rectify")
    step(verified, other_officer, "verify")
    step(make_hazard(reporter=cast.outsider, area=area, title="地面油污"), officer, "reject")
    make_hazard(reporter=cast.outsider, area=area, title="灯不亮")
    # Patrols: one of a planned area, one of an area without a plan.
    safety.save_plan(
        officer,
        {
            "inspector_id": cast.inspector.id,
            "area_id": area.id,
            "weekdays": ["0", "1", "2", "3", "4"],
        },
    )
    _patrol(cast.inspector, area)
    _patrol(cast.inspector, make_area(department=cast.workshop))
    # A training the inspector passed, and the organizer's own score for the outsider.
    training = make_activity(
        ActivityKind.TRAINING,
        starts_at=utcnow() - timedelta(days=2),
        ends_at=utcnow() - timedelta(days=1),
    )
    db.session.add(
        Participation(
            activity_id=training.id,
            user_id=cast.inspector.id,
            status=ParticipationStatus.CONFIRMED,
            score=80,
            passed=True,
        )
    )
    place = Participation(
        activity_id=contest.id, user_id=cast.outsider.id, status=ParticipationStatus.CONFIRMED
    )
    db.session.add(place)
    db.session.flush()
    db.session.add(RoundScore(participation_id=place.id, round_no=1, score=7))
    db.session.commit()

    auth.login(cast.proposer)
    # 孙车工: 60 % of two adopted (10 each) + 60 % of 4.8 benefit points.
    expected = {"孙车工": 14.88, "褚车工": 9.92, "刘职工": 5 + 7, "张群监": 2 + 3}
    assert _totals(client, contest) == expected
    people, teams = points.leaderboard(contest)
    sources = {s.name: s.by_source for s in people}
    assert sources["孙车工"] == {
        PointSource.PROPOSAL_ADOPTED: 12,
        PointSource.PROPOSAL_BENEFIT: 2.88,
    }
    assert sources["刘职工"] == {PointSource.HAZARD_VERIFIED: 5}
    assert {t.name: t.total for t in teams} == {"车工班": 24.8, "装配车间": 12, "未分队": 5}
    page = text(client.get(f"/competitions/{contest.id}"))
    assert "护栏松动" in page and "地面油污" not in page and "灯不亮" not in page
    assert "废切削液再生利用（份额 60 %）" in page
    auth.logout()

    # A changed rule recomputes every standing.
    auth.login(cast.organizer)
    changed = {**RULES, "points_hazard_verified": "8", "points_patrol_on_plan": ""}
    assert client.post(f"/competitions/{contest.id}/rules", data=changed).status_code == 303
    assert _totals(client, contest)["刘职工"] == 8 + 7
    assert _totals(client, contest)["张群监"] == 3

    # A withdrawn adoption takes its points away; so does the verified hazard rejected later.
    proposal_services.revoke(cast.organizer, adopted, {"reason": "复核不成立"})
    db.session.commit()
    totals = _totals(client, contest)
    assert totals["孙车工"] == 8.88 and totals["褚车工"] == 5.92


def test_rules_refuse_bad_points_and_only_organizers_set_them(client, auth, cast, contest, db):
    auth.login(cast.organizer)
    for value, message in (
        ("-1", "请输入 0 到 10000 之间的数。"),
        ("abc", "请输入数字。"),
        ("1\x00", "文字中含有不允许的字符。"),  # pasted text can carry a NUL
    ):
        response = client.post(
            f"/competitions/{contest.id}/rules", data={**RULES, "points_hazard_verified": value}
        )
        assert response.status_code == 422 and message in text(response)
    assert points.rules_of(contest)[PointSource.HAZARD_VERIFIED] == 5
    response = client.post(f"/competitions/{contest.id}/brief", data={"plan": "方案\x00"})
    assert response.status_code == 422 and "文字中含有不允许的字符" in text(response)
    assert (
        client.post(
            f"/competitions/{contest.id}/brief",
            data={"plan": "全员参与", "assessment": "按记录计分", "result": ""},
        ).status_code
        == 303
    )
    auth.logout()
    for person in (cast.outsider, cast.officer, cast.inspector):
        auth.login(person)
        assert client.get(f"/competitions/{contest.id}/rules").status_code == 403
        assert client.post(f"/competitions/{contest.id}/rules", data=RULES).status_code == 403
        assert client.post(f"/competitions/{contest.id}/brief", data={}).status_code == 403
        page = client.get(f"/competitions/{contest.id}")
        assert page.status_code == 200 and "全员参与" in text(page)
        auth.logout()
    event = make_activity(ActivityKind.EVENT)
    auth.login(cast.organizer)
    assert client.get(f"/competitions/{event.id}").status_code == 404
    assert client.get(f"/competitions/{event.id}/rules").status_code == 404


def test_the_audit_log_names_what_an_organizer_did_to_a_competition(client, auth, cast, contest):
    auth.login(cast.organizer)
    client.post(
        f"/competitions/{contest.id}/brief",
        data={"plan": "全员参与", "assessment": "按记录计分", "result": ""},
    )
    auth.logout()
    auth.login(make_user(Role.ADMIN))
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "设置竞赛规则" in page and "填写竞赛方案和效果" in page
    assert "competition.rules_set" not in page and "competition.brief_set" not in page


def test_a_patrol_keeps_its_points_when_its_plan_is_stopped_later(client, auth, cast, contest, db):
    area = make_area(department=cast.workshop)
    make_checklist()
    plan = safety.save_plan(
        cast.officer,
        {"inspector_id": cast.inspector.id, "area_id": area.id, "weekdays": ["0", "1", "2"]},
    )
    _patrol(cast.inspector, area)
    auth.login(cast.organizer)
    assert _totals(client, contest)["张群监"] == 2

    # The plan is stopped: the patrol made while it was in force still counts …
    safety.stop_plan(cast.officer, plan)
    db.session.commit()
    assert _totals(client, contest)["张群监"] == 2
    # … and one made after the stop does not.
    _patrol(cast.inspector, area)
    assert _totals(client, contest)["张群监"] == 2


def test_a_patrol_made_while_its_plan_was_stopped_earns_nothing_after_the_restart(
    client, auth, cast, contest, db
):
    area = make_area(department=cast.workshop)
    make_checklist()
    fields = {"inspector_id": cast.inspector.id, "area_id": area.id, "weekdays": ["0", "1"]}
    plan = safety.save_plan(cast.officer, fields)
    _patrol(cast.inspector, area)  # on plan: 2 points
    safety.stop_plan(cast.officer, plan)
    db.session.commit()
    _patrol(cast.inspector, area)  # while stopped: none
    auth.login(cast.organizer)
    assert _totals(client, contest)["张群监"] == 2

    # Saved again: the patrol made in the gap stays off plan, the next one is on it.
    safety.save_plan(cast.officer, fields)
    db.session.commit()
    assert _totals(client, contest)["张群监"] == 2
    _patrol(cast.inspector, area)
    assert _totals(client, contest)["张群监"] == 4


def test_every_rule_line_reads_points_per_unit(client, auth, cast, contest):
    """The board says each rule alike: "上报隐患经验收：5 分/每条…", the exam and daily-question
    rules too (they read "5 每通过一项考试得分", without the points' unit)."""
    auth.login(cast.organizer)
    rules = {**RULES, "points_exam_passed": "5", "points_daily_right": "0.5"}
    assert client.post(f"/competitions/{contest.id}/rules", data=rules).status_code == 303
    page = client.get(f"/competitions/{contest.id}").get_data(as_text=True)
    lines = dict(re.findall(r'<li data-source="(\w+)">(.*?)</li>', page))
    assert len(lines) == 7
    for source, line in lines.items():
        assert re.search(r"：<strong>[\d.]+</strong> 分/", line), (source, line)


def test_an_entry_links_only_to_a_record_its_viewer_may_open(client, auth, cast, contest, db):
    """A worker expanding a standing met links to a proposal they may not see (404), a
    hazard (404) and a patrol (403); an entry is now a link only for a viewer its record's
    own page lets in, else plain text, and every link on the board opens."""
    advance(cast, "adopted", title="废切削液再生利用")
    area = make_area(department=cast.workshop)
    make_checklist()
    hazard = make_hazard(reporter=cast.outsider, area=area, title="护栏松动")
    assign(hazard, cast.officer, cast.inspector)
    step(hazard, cast.inspector, "start")
    step(hazard, cast.inspector, "rectify")
    step(hazard, make_user(Role.SAFETY_OFFICER), "verify")
    safety.save_plan(
        cast.officer,
        {
            "inspector_id": cast.inspector.id,
            "area_id": area.id,
            "weekdays": [str(d) for d in range(7)],
        },
    )
    _patrol(cast.inspector, area)
    labels = {
        "proposal": "废切削液再生利用（份额 60 %）",
        "hazard": "护栏松动",
        "patrol": f" · {area.name}",
    }

    def board_as(user):
        auth.login(user)
        page = text(client.get(f"/competitions/{contest.id}"))
        people = page.split('id="people"')[1].split("</ol>")[0]
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', people)
        for url, _label in links:
            assert client.get(url).status_code == 200, (user.name, url)
        auth.logout()
        linked = {k for k, label in labels.items() if any(label in t for _u, t in links)}
        assert all(label in people for label in labels.values())
        return linked

    # a plain member from another department: every record is plain text
    assert board_as(make_user(name="路人", department=cast.team)) == set()
    # the reporter sees their hazard; the proposer their proposal
    assert board_as(cast.outsider) == {"hazard"}
    assert board_as(cast.proposer) == {"proposal"}
    # the network opens hazards and patrols, not another's proposal
    assert board_as(cast.inspector) == {"hazard", "patrol"}


def test_a_patrol_entry_reads_when_and_where_it_was_made(
    client, auth, cast, contest, db, count_queries
):
    """A patrol's entry read 巡查 #1, which told a worker nothing: it now names the patrol as
    the patrol list and a hazard's page do, its start in Shanghai time and its area, in either
    language; the areas' names come with the patrols, whatever their number."""
    stamping = make_area(department=cast.workshop, name="冲压车间").id
    welding = make_area(department=cast.workshop, name="焊装车间").id
    make_checklist()
    for area_id in (stamping, welding):
        safety.save_plan(
            cast.officer,
            {
                "inspector_id": cast.inspector.id,
                "area_id": area_id,
                "weekdays": [str(d) for d in range(7)],
            },
        )
    inspector_id, inspector = cast.inspector.id, cast.inspector.employee_no
    worker = make_user(department=cast.team).employee_no
    english = make_user(Role.INSPECTOR, locale="en").employee_no
    # 17:05 UTC is 01:05 the next day in Shanghai
    yesterday = utcnow() - timedelta(days=1)
    started = yesterday.replace(hour=17, minute=5, second=0, microsecond=0)
    _patrol(cast.inspector, db.session.get(Area, stamping), started_at=started)
    label = f"{(yesterday + timedelta(days=1)).date().isoformat()} 01:05 · 冲压车间"
    url = f"/competitions/{contest.id}"

    def board(employee_no):
        auth.login(employee_no)
        db.session.expunge_all()  # from an empty session, as a server starts a request
        with count_queries() as counter:
            page = text(client.get(url))
        auth.logout()
        return page.split('id="people"')[1].split("</ol>")[0], counter.count

    # the network opens the patrol: the label is its link
    people, one_patrol = board(inspector)
    assert f">{label}</a> +2" in people
    assert "巡查 #" not in people
    # a worker outside the network reads the same words, as plain text
    people, _count = board(worker)
    assert f"<li>{label} +2</li>" in people
    # in English the same date and area (one way of writing a date in both languages)
    people, _count = board(english)
    assert "Patrols done on plan" in people and f">{label}</a> +2" in people

    # more patrols, of another area too: not one statement more
    for area_id in (stamping, welding, welding):
        _patrol(db.session.get(User, inspector_id), db.session.get(Area, area_id))
    people, four_patrols = board(inspector)
    assert people.count(" · 焊装车间</a>") == 2 and people.count(" · 冲压车间</a>") == 2
    assert four_patrols == one_patrol


def test_a_person_s_entries_come_in_the_order_they_were_made(client, auth, cast, contest, db):
    """The board listed a person's patrols by record number (12-04, 12-06, 12-05): a round
    kept offline and sent later was out of place. Entries come in the order they were made."""
    area = make_area(department=cast.workshop, name="冲压车间")
    make_checklist()
    safety.save_plan(
        cast.officer,
        {
            "inspector_id": cast.inspector.id,
            "area_id": area.id,
            "weekdays": [str(d) for d in range(7)],
        },
    )
    inspector_id = cast.inspector.id
    now = utcnow().replace(second=0, microsecond=0)
    # the plan in force for the last days, as a plan made before the rounds is
    db.session.execute(update(PatrolPlan).values(created_at=now - timedelta(days=3)))
    for hours_ago in (30, 6, 18):  # the round of 18 hours ago was kept offline, sent last
        started = now - timedelta(hours=hours_ago)
        inspector, patrolled = db.session.get(User, inspector_id), db.session.get(Area, area.id)
        _patrol(inspector, patrolled, started, finished_at=started + timedelta(minutes=20))

    auth.login(db.session.get(User, inspector_id).employee_no)
    people = text(client.get(f"/competitions/{contest.id}")).split('id="people"')[1]
    made = re.findall(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) · 冲压车间", people)
    assert len(made) == 3 and made == sorted(made)


def test_the_board_shows_one_page_of_people_and_ranks_them_across_pages(
    client, auth, cast, contest, db, monkeypatch
):
    """The board listed every person with every entry on one page (600 KB at a thousand
    records): it shows a page of people, ranked among all of them, with links to the rest."""
    from app.blueprints.competitions import routes

    monkeypatch.setattr(routes, "PEOPLE_PER_PAGE", 2, raising=False)
    for score, name in ((9, "甲"), (8, "乙"), (7, "丙")):
        place = Participation(
            activity_id=contest.id,
            user_id=make_user(name=name).id,
            status=ParticipationStatus.CONFIRMED,
        )
        db.session.add(place)
        db.session.flush()
        db.session.add(RoundScore(participation_id=place.id, round_no=1, score=score))
    db.session.commit()
    auth.login(cast.proposer)
    first = client.get(f"/competitions/{contest.id}").get_data(as_text=True)
    assert re.findall(r'<li data-name="([^"]+)"', first) == ["甲", "乙"]
    assert f"/competitions/{contest.id}?page=2" in first
    second = client.get(f"/competitions/{contest.id}?page=2").get_data(as_text=True)
    assert re.findall(r'<li data-name="([^"]+)"', second) == ["丙"]
    assert "<strong>3.</strong>" in second  # its rank among everyone, not on its page
    past = text(client.get(f"/competitions/{contest.id}?page=9"))
    assert "这一页没有内容" in past
    # A query argument named as the URL's own leads the pager to no other board, nor to a 500.
    for clash in ("999", "abc"):
        page = client.get(f"/competitions/{contest.id}?activity_id={clash}")
        assert page.status_code == 200
        assert f'href="/competitions/{contest.id}?page=2"' in page.get_data(as_text=True)


def test_a_one_day_competition_names_its_day_once(client, auth, cast, contest, db):
    """A contest of one day read 2026-12-10 – 2026-12-10; one of several days keeps both."""
    auth.login(cast.proposer)
    page = text(client.get(f"/competitions/{contest.id}"))
    assert re.search(r'<p class="muted">\d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d</p>', page)
    day = datetime(2026, 12, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    contest.starts_at, contest.ends_at = day, day + timedelta(hours=8)
    db.session.commit()
    page = text(client.get(f"/competitions/{contest.id}"))
    assert '<p class="muted">2026-12-10</p>' in page


def test_the_board_reads_as_many_statements_for_a_thousand_people_as_for_three(
    client, auth, cast, contest, db, count_queries
):
    """Ranking everyone loaded each scored person as an account, which read their roles too:
    one more statement every 500 people (15 at the works' 7,000). The names come in one."""
    from sqlalchemy import func, insert, select

    def scored(count: int) -> None:
        first = db.session.scalar(select(func.max(User.id))) + 1
        ids = range(first, first + count)
        db.session.execute(
            insert(User),
            [{"employee_no": f"S{i:05d}", "name": f"选手{i}", "password_hash": "x"} for i in ids],
        )
        db.session.execute(
            insert(Participation),
            [
                {"activity_id": contest.id, "user_id": i, "status": ParticipationStatus.CONFIRMED}
                for i in ids
            ],
        )
        places = db.session.scalars(
            select(Participation.id).where(Participation.user_id.in_(list(ids)))
        ).all()
        db.session.execute(
            insert(RoundScore), [{"participation_id": p, "round_no": 1, "score": 5} for p in places]
        )
        db.session.commit()

    def board():
        with count_queries() as counter:
            assert client.get(f"/competitions/{contest.id}").status_code == 200
        return counter.count, counter.statements

    auth.login(cast.proposer)
    board()  # the log-in's own look-ups are not the board's
    scored(3)
    few, _ = board()
    scored(1200)
    many, statements = board()
    assert many == few, "\n".join(s[:90] for s in statements)
    assert (
        client.get(f"/competitions/{contest.id}?page=25").get_data(as_text=True).count("data-name=")
        == 3
    )
