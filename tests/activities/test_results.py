from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.blueprints.activities import queries, services
from app.blueprints.gate import services as gate_services
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.models import Notification, Role
from app.models._types import utcnow
from app.models.activities import (
    ActivityKind,
    CompetitionMode,
    Qualification,
    RoundScore,
)
from tests.activities.factories import make_activity
from tests.factories import make_user
from tests.helpers import text


def test_add_months_keeps_the_day_or_ends_the_month():
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 11, 15), 12) == date(2027, 11, 15)
    assert services.add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)


def _held(kind=ActivityKind.TRAINING, **values):
    """An activity that took place yesterday (results are recorded after the start)."""
    now = utcnow()
    window = {
        "starts_at": now - timedelta(days=1),
        "ends_at": now - timedelta(days=1) + timedelta(hours=2),
        "signup_opens_at": now - timedelta(days=10),
        "signup_closes_at": now + timedelta(days=1),
        "cancel_deadline": now - timedelta(days=2),
    }
    return make_activity(kind, **{**window, **values})


def _came(*places):
    """The people checked in, as the door's scan would."""
    for place in places:
        place.checked_in_at = utcnow()
    db.session.commit()


def _training_with(*people, checked_in=True):
    training = _held()
    places = [services.sign_up(person, training) for person in people]
    if checked_in:
        _came(*places)
    return training, places


def test_a_pass_gives_the_qualification_and_a_fail_takes_it_back(app):
    organizer = make_user("organizer")
    good, weak = make_user(), make_user()
    training, (good_place, weak_place) = _training_with(good, weak)

    passed = services.record_training_results(
        organizer, training, {good_place.id: 85, weak_place.id: 40}
    )
    assert passed == 1
    assert (good_place.passed, weak_place.passed) == (True, False)
    qualification = db.session.scalar(
        db.select(Qualification).where(Qualification.user_id == good.id)
    )
    assert qualification.name == "安全生产培训合格证" and qualification.is_safety
    assert qualification.valid_until == services.add_months(qualification.issued_on, 12)
    assert queries.qualifications_of(weak) == []

    services.record_training_results(organizer, training, {good_place.id: 50})
    assert queries.qualifications_of(good) == []


def test_scores_for_people_without_a_place_or_out_of_range_are_refused(app):
    organizer = make_user("organizer")
    training, (place,) = _training_with(make_user())
    with pytest.raises(ValidationFailed) as failed:
        services.record_training_results(organizer, training, {place.id: -1, 999999: 70})
    assert set(failed.value.errors) == {f"score-{place.id}", "score-999999"}
    assert place.score is None


def test_results_only_for_trainings(app):
    with pytest.raises(Refused):
        services.record_training_results(make_user("organizer"), make_activity(), {})


def test_a_pass_gives_a_qualification_of_the_type_the_training_names(app):
    organizer = make_user("organizer")
    passed = make_user(name="赵合格")
    training, places = _training_with(passed)
    services.record_training_results(organizer, training, {places[0].id: 90})
    (qualification,) = queries.qualifications_of(passed)
    assert qualification.type.name == "安全生产培训合格证" and qualification.type.is_safety
    assert qualification.source.value == "training"


def test_a_job_drill_passed_counts_toward_its_qualification_type(app):
    organizer = make_user("organizer")
    welder = make_user(name="冯焊工")
    drill = _held(
        ActivityKind.DRILL,
        title="岗位练兵：焊接",
        pass_mark=80.0,
        qualification_name="焊工证",
        qualification_months=36,
    )
    (place,) = [services.sign_up(welder, drill)]
    _came(place)
    assert services.record_training_results(organizer, drill, {place.id: 88}) == 1
    (qualification,) = queries.qualifications_of(welder)
    assert qualification.type.name == "焊工证" and qualification.source.value == "drill"
    assert qualification.valid_until == services.add_months(qualification.issued_on, 36)


def test_the_old_gate_page_leads_to_the_gate_report(client, auth):
    organizer, member = make_user("organizer"), make_user()
    auth.login(organizer)
    response = client.get("/activities/qualifications")
    assert response.status_code == 301 and response.headers["Location"].endswith("/gate/")
    auth.logout()
    auth.login(member)
    assert client.get("/activities/qualifications").status_code == 403


def test_results_page_saves_scores(client, auth):
    organizer = make_user("organizer")
    member = make_user(name="孙学员")
    training, (place,) = _training_with(member)
    auth.login(organizer)
    url = f"/activities/{training.id}/results"
    for written in ("abc", "1e2", "NaN", "Infinity"):  # float() would read the last three
        bad = client.post(url, data={f"score-{place.id}": written})
        told = "请用数字填写分数，如 85 或 92.5，范围 0 至 100000。"
        assert bad.status_code == 422 and told in bad.get_data(as_text=True), written
    response = client.post(url, data={f"score-{place.id}": "88"}, follow_redirects=True)
    assert "成绩已保存：1 人合格" in response.get_data(as_text=True)
    auth.logout()
    auth.login(member)
    history = client.get("/activities/history").get_data(as_text=True)
    assert "安全生产培训合格证" in history and "有效期至" in history
    assert training.title in history


def _gate_file(client, auth, officer, person) -> str:
    auth.logout()
    auth.login(officer)
    return text(client.get(f"/gate/workers/{person.id}"))


def test_saving_results_again_keeps_a_revoked_qualification_revoked(client, auth):
    """The organizer re-saves the page to fix another person's score: a qualification the
    gate revoked stays revoked. Only a fail turned into a pass grants it again."""
    organizer, officer = make_user("organizer"), make_user(Role.SAFETY_OFFICER)
    caught, other = make_user(name="钱违章"), make_user(name="李学员")
    training, (caught_place, other_place) = _training_with(caught, other)
    url = f"/activities/{training.id}/results"
    auth.login(organizer)
    saved = {f"score-{caught_place.id}": "90", f"score-{other_place.id}": "80"}
    assert client.post(url, data=saved).status_code == 303
    (qualification,) = queries.qualifications_of(caught)
    gate_services.revoke_qualification(officer, qualification, "违章作业，停岗复训")
    db.session.commit()

    auth.logout()
    auth.login(organizer)
    fixed = {**saved, f"score-{other_place.id}": "85"}
    assert client.post(url, data=fixed).status_code == 303
    rescored = {**fixed, f"score-{caught_place.id}": "95"}  # still a pass
    assert client.post(url, data=rescored).status_code == 303
    db.session.refresh(qualification)
    assert qualification.is_revoked and qualification.revoke_reason == "违章作业，停岗复训"
    file = _gate_file(client, auth, officer, caught)
    assert "已吊销" in file and "违章作业，停岗复训" in file
    # Told the new score, but not that they hold what was taken away.
    told = [m.body for m in _messages(caught)]
    assert told[-1] == "成绩 95 分，合格。"

    auth.logout()
    auth.login(organizer)
    failed = {**rescored, f"score-{caught_place.id}": "50"}
    assert client.post(url, data=failed).status_code == 303
    assert queries.qualifications_of(caught) == []
    assert client.post(url, data=rescored).status_code == 303
    (again,) = queries.qualifications_of(caught)
    assert not again.is_revoked
    assert "已吊销" not in _gate_file(client, auth, officer, caught)


def _messages(person) -> list:
    query = select(Notification).where(Notification.user_id == person.id)
    return db.session.scalars(query.order_by(Notification.id)).all()


def test_team_leaderboard_adds_up_rounds_and_members(app):
    organizer = make_user("organizer")
    contest = _held(ActivityKind.COMPETITION, competition_mode=CompetitionMode.TEAM, rounds=2)
    a1, a2, b1 = (make_user(name=n) for n in ("甲一", "甲二", "乙一"))
    places = {u.name: services.sign_up(u, contest) for u in (a1, a2, b1)}
    _came(*places.values())
    p = {name: place.id for name, place in places.items()}
    teams = {p["甲一"]: "甲队", p["甲二"]: "甲队", p["乙一"]: "乙队"}
    services.record_round(organizer, contest, 1, {p["甲一"]: 5, p["甲二"]: 4, p["乙一"]: 8}, teams)
    second = {p["甲一"]: 1, p["甲二"]: None, p["乙一"]: 2}
    services.record_round(organizer, contest, 2, second, teams)
    board = queries.leaderboard(contest)
    assert [(s.rank, s.name, s.rounds, s.total) for s in board] == [
        (1, "乙队", [8, 2], 10),
        (1, "甲队", [9, 1], 10),
    ]
    with pytest.raises(ValidationFailed):
        services.record_round(organizer, contest, 3, {p["甲一"]: 1}, teams)


def test_a_nul_in_a_team_name_is_told_at_that_box_with_every_score_kept(client, auth):
    """Text pasted into a team box can carry a NUL: the page comes back with the message at
    that box, and every score and team typed is still there to send again."""
    contest = _held(ActivityKind.COMPETITION, competition_mode=CompetitionMode.TEAM, rounds=2)
    pasted, typed = make_user(name="甲一"), make_user(name="乙一")
    bad, good = services.sign_up(pasted, contest), services.sign_up(typed, contest)
    _came(bad, good)
    auth.login(make_user("organizer"))
    sent = {
        "round_no": "1",
        f"team-{bad.id}": "总装\x00一班队",
        f"score-{bad.id}": "88.5",
        f"team-{good.id}": "铣工班队",
        f"score-{good.id}": "91",
    }
    response = client.post(f"/activities/{contest.id}/scores", data=sent)
    page = text(response)
    assert response.status_code == 422
    assert page.count("文字中含有不允许的字符。") == 1
    box = page.index(f'name="team-{bad.id}"')
    assert page.index("文字中含有不允许的字符。", box) < page.index(f'name="score-{bad.id}"')
    for name in (f"score-{bad.id}", f"team-{good.id}", f"score-{good.id}"):
        assert f'name="{name}"' in page and f'value="{sent[name]}"' in page
    assert db.session.scalars(select(RoundScore)).all() == []


def test_a_row_with_two_mistakes_shows_both_and_the_team_without_its_nul(client, auth):
    """A NUL pasted into both boxes of one row: each box says what is wrong under it, and the
    team comes back without the NUL (a browser shows it as �, and that would be saved)."""
    contest = _held(ActivityKind.COMPETITION, competition_mode=CompetitionMode.TEAM, rounds=2)
    place = services.sign_up(make_user(name="甲一"), contest)
    _came(place)
    auth.login(make_user("organizer"))
    sent = {"round_no": "1", f"team-{place.id}": "总装\x00一班队", f"score-{place.id}": "8\x008"}
    response = client.post(f"/activities/{contest.id}/scores", data=sent)
    page = text(response)
    assert response.status_code == 422
    team, score = page.index(f'name="team-{place.id}"'), page.index(f'name="score-{place.id}"')
    assert team < page.index("文字中含有不允许的字符。", team) < score
    assert page.index("请用数字填写分数", score) > score
    assert 'value="总装一班队"' in page and "\x00" not in page and "\ufffd" not in page
    assert db.session.scalars(select(RoundScore)).all() == []


def test_the_score_page_of_a_competition_ahead_says_when_and_takes_nothing(client, auth):
    """Before the start the boxes cannot be typed in and there is no save button: saving
    would only be refused (422) with everything typed lost."""
    contest = make_activity(ActivityKind.COMPETITION, rounds=1)  # a week from now
    place = services.sign_up(make_user(name="快手"), contest)
    auth.login(make_user("organizer"))
    page = text(client.get(f"/activities/{contest.id}/scores"))
    assert "活动开始后（" in page and "才能录入成绩" in page
    assert "保存第 1 轮成绩" not in page
    box = page.index(f'name="score-{place.id}"')
    assert "disabled" in page[box : page.index(">", box)]
    # Once it has started, the same page takes scores.
    contest.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    page = text(client.get(f"/activities/{contest.id}/scores"))
    assert "保存第 1 轮成绩" in page and "才能录入成绩" not in page
    box = page.index(f'name="score-{place.id}"')
    assert "disabled" not in page[box : page.index(">", box)]


def test_individual_leaderboard_page(client, auth):
    organizer = make_user("organizer")
    contest = _held(ActivityKind.COMPETITION, rounds=1)
    fast, slow = make_user(name="快手"), make_user(name="慢手")
    pf, ps = services.sign_up(fast, contest), services.sign_up(slow, contest)
    _came(pf, ps)
    auth.login(organizer)
    client.post(
        f"/activities/{contest.id}/scores",
        data={"round_no": "1", f"score-{pf.id}": "9.5", f"score-{ps.id}": "7"},
    )
    page = client.get(f"/activities/{contest.id}/leaderboard").get_data(as_text=True)
    assert page.index("快手") < page.index("慢手")
    assert "9.5" in page


def test_no_results_before_the_training_has_started(client, auth):
    organizer = make_user("organizer")
    member = make_user(name="周师傅")
    training = make_activity(ActivityKind.TRAINING)  # a week from now
    place = services.sign_up(member, training)
    with pytest.raises(Refused) as refused:
        services.record_training_results(organizer, training, {place.id: 70})
    assert "活动开始后" in refused.value.message
    auth.login(organizer)
    url = f"/activities/{training.id}/results"
    page = client.get(url).get_data(as_text=True)
    assert "活动开始后" in page
    assert "保存成绩" not in page and 'name="score-' in page and " disabled>" in page
    response = client.post(url, data={f"score-{place.id}": "70"})
    assert response.status_code == 422
    assert "活动开始后" in response.get_data(as_text=True)
    db.session.expire_all()
    assert place.score is None and queries.qualifications_of(member) == []


def test_only_people_checked_in_get_a_score_and_a_pass(client, auth):
    organizer = make_user("organizer")
    came, absent = make_user(name="孙师傅"), make_user(name="周师傅")
    training, (came_place, absent_place) = _training_with(came, absent, checked_in=False)
    _came(came_place)
    auth.login(organizer)
    url = f"/activities/{training.id}/results"
    page = client.get(url).get_data(as_text=True)
    assert "未签到" in page
    both = {f"score-{came_place.id}": "80", f"score-{absent_place.id}": "70"}
    response = client.post(url, data=both)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "周师傅 未签到，不能录入成绩" in body and "孙师傅 未签到" not in body
    db.session.expire_all()
    assert came_place.score is None and absent_place.score is None
    assert queries.qualifications_of(absent) == []
    # Leaving the absent person's box empty saves the rest.
    response = client.post(url, data={f"score-{came_place.id}": "80"}, follow_redirects=True)
    assert "成绩已保存：1 人合格" in response.get_data(as_text=True)
    assert len(queries.qualifications_of(came)) == 1 and queries.qualifications_of(absent) == []


def test_a_round_takes_scores_only_after_the_start_and_for_people_who_came(app):
    organizer = make_user("organizer")
    ahead = make_activity(ActivityKind.COMPETITION, rounds=1)
    early = services.sign_up(make_user(), ahead)
    with pytest.raises(Refused):
        services.record_round(organizer, ahead, 1, {early.id: 5}, {})
    contest = _held(ActivityKind.COMPETITION, rounds=1)
    came, absent = make_user(name="快手"), make_user(name="缺席")
    came_place, absent_place = services.sign_up(came, contest), services.sign_up(absent, contest)
    _came(came_place)
    with pytest.raises(ValidationFailed) as failed:
        services.record_round(organizer, contest, 1, {came_place.id: 9, absent_place.id: 7}, {})
    assert failed.value.errors == {f"score-{absent_place.id}": ["缺席 未签到，不能录入成绩。"]}
    assert queries.round_scores(contest) == {}
