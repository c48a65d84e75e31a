"""民主评议: a ballot can never be tied to its voter, results stay shut until the round has
closed with k ballots, and a bad vote is refused in Chinese without writing anything."""

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import Date, DateTime, func, inspect, select, text

from app.blueprints.congress import jobs
from app.blueprints.congress.services import evaluations, sessions
from app.config import LOCAL_TZ
from app.errors import Refused
from app.extensions import db
from app.features import registry
from app.models import AuditLog, Notification, Role
from app.models._types import utcnow
from app.models.congress import (
    BallotComment,
    BallotGrade,
    EvaluationBallot,
    EvaluationRound,
    EvaluationVoter,
)
from tests.conftest import AuthActions
from tests.congress import factories as f
from tests.factories import make_department, make_user
from tests.helpers import field_errors, statements
from tests.helpers import text as page_text

BALLOT_TABLES = ("evaluation_ballots", "evaluation_ballot_grades", "evaluation_ballot_comments")
ALLOWED_TARGETS = {
    "evaluation_rounds",
    "evaluation_ballots",
    "evaluation_leaders",
    "evaluation_dimensions",
}


def test_the_schema_gives_ballots_nothing_that_points_at_a_voter(db):
    schema = inspect(db.engine)
    for table in BALLOT_TABLES:
        columns = schema.get_columns(table)
        names = {c["name"] for c in columns}
        assert not {n for n in names if any(w in n for w in ("user", "voter", "_at", "time"))}
        assert not [c for c in columns if isinstance(c["type"], DateTime | Date)], table
        assert not [c for c in columns if c.get("default") or c.get("autoincrement") is True]
        # A random text key, never a counter that would number the ballots in voting order.
        (key,) = schema.get_pk_constraint(table)["constrained_columns"]
        assert [str(c["type"]) for c in columns if c["name"] == key] == ["VARCHAR(32)"]
        targets = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
        assert targets <= ALLOWED_TARGETS, table
    # The voter's mark: who voted in which round, and nothing else (no time, no id).
    voters = schema.get_columns("evaluation_voters")
    assert {c["name"] for c in voters} == {"round_id", "user_id"}
    assert {fk["referred_table"] for fk in schema.get_foreign_keys("evaluation_voters")} == {
        "evaluation_rounds",
        "users",
    }


def _ballot_ids():
    return set(db.session.scalars(select(EvaluationBallot.id)))


def _order_by_voter(query: str, voter_of: dict) -> list[int]:
    """The voters behind the ballot rows in the order the database itself keeps them."""
    return [voter_of[row[0]] for row in db.session.execute(text(query))]


def test_twenty_voters_leave_no_link_between_ballot_and_voter(app, caplog):
    boss = f.organizer()
    session = f.make_session(boss)
    voters = [f.make_delegate(boss, session) for _ in range(20)]
    round_ = f.make_round(boss, session=session, leaders=[("张总", "总经理")])
    leader = round_.leaders[0]
    seen_keys: set[str] = set()
    # Each voter on their own phone, logged in beforehand: only the votes are watched.
    phones = []
    for voter in voters:
        phone = app.test_client()
        AuthActions(phone).login(voter)
        phones.append(phone)
    caplog.set_level(logging.DEBUG)
    audit_before = db.session.scalar(select(func.count()).select_from(AuditLog))
    with statements(db.engine) as sql:
        for i, phone in enumerate(phones):
            data = f.ballot_form(round_, strengths=f"意见{i:02d}")
            response = phone.post(f"/congress/evaluations/{round_.id}/vote", data=data)
            assert response.status_code == 303
            db.session.expire_all()
            keys = _ballot_ids()
            assert len(keys) == i + 1
            # Every vote writes the whole round anew under fresh keys: no key lives on.
            assert not keys & seen_keys
            seen_keys |= keys
    writes = [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    # Nothing but the mark and the ballots (and the round's lock, an UPDATE on SQLite).
    touched = {s.split()[2].strip('"') for s in writes if s.lstrip().upper().startswith("INSERT")}
    assert touched == {
        "evaluation_voters",
        "evaluation_ballots",
        "evaluation_ballot_grades",
        "evaluation_ballot_comments",
    }
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == audit_before
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    names = {v.employee_no for v in voters} | {v.name for v in voters}
    logged = " ".join(r.getMessage() for r in caplog.records if "vote" in r.getMessage())
    assert not [n for n in names if n in logged]

    # Each ballot's free text says who cast it (in this test only): the database's own order
    # of ballots, comments and grades must not be the order of voting.
    voter_of_ballot = {
        b: int(s[2:])
        for b, s in db.session.execute(select(BallotComment.ballot_id, BallotComment.strengths))
    }
    voting_order = list(range(20))
    orders = [
        _order_by_voter("SELECT id FROM evaluation_ballots", voter_of_ballot),
        _order_by_voter("SELECT ballot_id FROM evaluation_ballot_comments", voter_of_ballot),
    ]
    if db.engine.dialect.name == "sqlite":
        orders.append(
            _order_by_voter("SELECT id FROM evaluation_ballots ORDER BY rowid", voter_of_ballot)
        )
        orders.append(
            _order_by_voter(
                "SELECT ballot_id FROM evaluation_ballot_comments ORDER BY rowid", voter_of_ballot
            )
        )
    else:
        orders.append(
            _order_by_voter("SELECT id FROM evaluation_ballots ORDER BY ctid", voter_of_ballot)
        )
        # Every ballot row was written by the same (last) transaction: xmin tells nothing.
        xmins = db.session.execute(text("SELECT DISTINCT xmin::text FROM evaluation_ballots"))
        assert len(xmins.all()) == 1
    for order in orders:
        assert sorted(order) == voting_order
        assert order != voting_order
    grade_ballots = [
        voter_of_ballot[b]
        for (b,) in db.session.execute(
            text("SELECT ballot_id FROM evaluation_ballot_grades WHERE dimension_id IS NULL")
        )
    ]
    assert grade_ballots != voting_order
    # The marks say only who voted.
    marks = db.session.execute(select(EvaluationVoter.round_id, EvaluationVoter.user_id)).all()
    assert sorted(m.user_id for m in marks) == sorted(v.id for v in voters)
    assert db.session.scalar(
        select(func.count()).select_from(BallotGrade).where(BallotGrade.leader_id == leader.id)
    ) == 20 * (len(round_.dimensions) + 1)


ROLES = ("member", "inspector", "safety_officer", "organizer", "care_officer", "admin", "delegate")


def _people(session, boss):
    people = {}
    for role in ROLES:
        if role == "delegate":
            people[role] = f.make_delegate(boss, session)
        elif role == "member":
            people[role] = make_user()
        else:
            people[role] = make_user(Role(role))
    return people


def _results_status(client, auth, person, round_):
    auth.login(person)
    response = client.get(f"/congress/evaluations/{round_.id}/results")
    auth.logout()
    return response.status_code, page_text(response)


def test_results_are_refused_to_everyone_before_closing_and_below_k(app, client, auth):
    boss = f.organizer()
    session = f.make_session(boss)
    voters = [f.make_delegate(boss, session) for _ in range(6)]
    people = _people(session, boss)
    open_round = f.make_round(boss, session=session, k=5)
    thin_round = f.make_round(boss, session=session, k=5)
    for voter in voters:
        f.vote(voter, open_round)
    for voter in voters[:4]:
        f.vote(voter, thin_round)
    f.close(thin_round)
    for role, person in people.items():
        status, body = _results_status(client, auth, person, open_round)
        assert status == 403, role
        assert "评议结束后才显示结果" in body
        assert "张总" not in body.split("评议结束后才显示结果")[0][-200:]
        status, body = _results_status(client, auth, person, thin_round)
        assert status == 403, role
        assert "选票达到 5 张才显示结果" in body
        with pytest.raises(Refused):
            evaluations.results(person, open_round)
        with pytest.raises(Refused):
            evaluations.results(person, thin_round)
    # Closed with enough ballots: the organizers and the chairman, no one else.
    f.close(open_round)
    for role, person in people.items():
        status, body = _results_status(client, auth, person, open_round)
        if role in {"organizer", "admin"}:
            assert status == 200
            assert "参与率" in body and "100.0%" in body
        else:
            assert status == 403, role
            assert "评议结果仅向工会干事和工会主席公开" in body


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (EvaluationVoter, EvaluationBallot, BallotGrade, BallotComment)
    )


def test_bad_votes_are_refused_in_chinese_and_write_nothing(app, client, auth):
    boss = f.organizer()
    session = f.make_session(boss)
    voter, other = f.make_delegate(boss, session), f.make_delegate(boss, session)
    stranger = make_user(department=make_department())
    round_ = f.make_round(boss, session=session)
    elsewhere = f.make_round(boss, session=session)
    f.vote(other, round_)
    url = f"/congress/evaluations/{round_.id}/vote"
    good = f.ballot_form(round_)
    leader, dimension = round_.leaders[0], round_.dimensions[0]
    foreign = elsewhere.leaders[0]
    cases = [
        (
            {**good, f"g-{leader.id}-{dimension.id}": "excellent"},
            422,
            "请为张总的“政治素质”评定等次",
        ),
        ({**good, f"o-{leader.id}": "superb"}, 422, "请为张总评定总体等次"),
        ({**good, f"o-{leader.id}": ""}, 422, "请为张总评定总体等次"),
        ({**good, f"o-{foreign.id}": "competent"}, 422, "选票中有不在本次评议范围内的领导干部"),
        ({**good, "o-99999999999999999999": "competent"}, 422, "不在本次评议范围内"),
        ({**good, "o-²": "competent"}, 422, "不在本次评议范围内"),  # a digit int() refuses
        # A NUL (pasted text can carry one) is refused at the comment, the ballot kept.
        ({**good, f"s-{leader.id}": "好\x00"}, 422, "文字中含有不允许的字符。"),
        ({**good, f"w-{leader.id}": "长" * 1001}, 422, "最多 1000 个字"),
        # Not made for the round's people as they are (`people`: their version): filled in
        # again, whatever else is wrong with it.
        ({**good, "people": ""}, 422, "评议对象已经改变，请重新填写选票。"),
        ({**good, "people": "0" * 16}, 422, "评议对象已经改变，请重新填写选票。"),
        ({**good, "people": "<>\u00e9" * 900}, 422, "评议对象已经改变，请重新填写选票。"),
        ({k: v for k, v in good.items() if k != "people"}, 422, "评议对象已经改变"),
        ({**good, "people": "", f"o-{foreign.id}": "competent"}, 422, "评议对象已经改变"),
    ]
    auth.login(voter)
    before = _counts()
    for data, status, message in cases:
        response = client.post(url, data=data)
        assert response.status_code == status, message
        assert message in page_text(response)
        assert _counts() == before
    assert client.post(url, data=good).status_code == 303
    before = _counts()
    again = client.post(url, data=good)
    assert again.status_code == 409
    assert "您已在本次评议中投过票，每人只能投一次" in page_text(again)
    assert _counts() == before
    auth.logout()
    auth.login(stranger)
    response = client.post(url, data=good)
    assert response.status_code == 403
    assert "您不在本次评议的投票人范围内" in page_text(response)
    assert _counts() == before
    auth.logout()
    late = f.make_delegate(boss, session)
    f.close(round_)
    auth.login(late)
    response = client.post(url, data=good)
    assert response.status_code == 409
    assert "本次评议已结束，不再接受投票" in page_text(response)
    assert _counts() == before


def test_who_votes_names_the_departments_after_a_full_width_colon(app, client, auth):
    workshop = make_department("铸造车间")
    voter = make_user(department=workshop)
    round_ = f.make_round(f.organizer(), departments=[workshop])
    auth.login(voter)
    page = page_text(client.get(f"/congress/evaluations/{round_.id}"))
    assert "：铸造车间" in page and ": 铸造车间" not in page


def _turnout(client, auth, person, round_) -> str:
    """选票数 · 应参评人数 · 参与率 as the results page says them."""
    auth.login(person)
    page = page_text(client.get(f"/congress/evaluations/{round_.id}/results"))
    auth.logout()
    return " · ".join(
        re.search(rf"<dt>{label}</dt><dd>([^<]+)</dd>", page).group(1)
        for label in ("选票数", "应参评人数", "参与率")
    )


def _scorecard_turnout():
    found = next(
        f
        for f in registry().figures
        if (f.area, f.key) == ("democracy", "evaluation_participation")
    )
    return found.compute(utcnow().astimezone(LOCAL_TZ).year, None, None)


def test_a_closed_round_keeps_the_delegates_it_closed_with(app, client, auth):
    boss = make_user(Role.ADMIN)
    session = f.make_session(boss)
    delegates = [f.make_delegate(boss, session) for _ in range(7)]
    round_ = f.make_round(boss, session=session)
    for voter in delegates[:6]:
        f.vote(voter, round_)
    f.close(round_)
    assert _turnout(client, auth, boss, round_) == "6 · 7 · 85.7%"
    # A delegate added after the close, then three removed: the round closed with seven.
    f.make_delegate(boss, session)
    for delegate in session.delegates[:3]:
        sessions.remove_delegate(boss, delegate)
    db.session.commit()
    assert _turnout(client, auth, boss, round_) == "6 · 7 · 85.7%"
    assert _scorecard_turnout() == 85.7


def test_the_job_fixes_a_department_rounds_electorate_and_no_rate_passes_100(app, client, auth):
    boss = make_user(Role.ADMIN)
    workshop = make_department()
    members = [make_user(department=workshop) for _ in range(6)]
    fixed = f.make_round(boss, departments=[workshop])
    unfixed = f.make_round(boss, departments=[workshop])
    for voter in members[:5]:
        f.vote(voter, fixed)
        f.vote(voter, unfixed)
    f.close(fixed)
    jobs.fix_closed_electorates()
    f.close(unfixed)  # closed after the job ran: not written down yet
    # Two voters leave the department and one left member is switched off.
    for person in members[:2]:
        person.department = make_department()
    members[5].active = False
    db.session.commit()
    assert _turnout(client, auth, boss, fixed) == "5 · 6 · 83.3%"
    # Three members are left, but five of them voted: never 166.7%.
    assert _turnout(client, auth, boss, unfixed) == "5 · 5 · 100.0%"
    assert _scorecard_turnout() == round(100 * 10 / 11, 1)


def test_a_candidate_named_twice_is_refused_at_the_field(app, client, auth):
    boss = f.organizer()
    session = f.make_session(boss)
    day = utcnow().astimezone(LOCAL_TZ).date()
    auth.login(boss)
    response = client.post(
        "/congress/evaluations/new",
        data={
            "title": "年度评议",
            "electorate": "delegates",
            "session": session.id,
            "opens_at": f"{day.isoformat()}T00:00",
            "closes_at": f"{(day + timedelta(days=3)).isoformat()}T00:00",
            "min_ballots": 5,
            # The same person twice, once with a full-width space.
            "leaders": "张三 总经理\n李四 党委书记\n张三\u3000总经理",
            "dimensions": "政治素质",
        },
    )
    assert response.status_code == 422
    page = page_text(response)
    errors = re.search(r'<ul class="errors" id="leaders-errors">(.*?)</ul>', page, re.S)
    assert "“张三 总经理”填写了两次，每位评议对象只能填写一次。" in errors.group(1)
    assert "李四 党委书记\n张三\u3000总经理</textarea>" in page
    assert db.session.scalar(select(func.count()).select_from(EvaluationRound)) == 0


def test_every_missing_grade_is_marked_at_its_question_and_counted_at_the_top(app, client, auth):
    boss = f.organizer()
    session = f.make_session(boss)
    voter = f.make_delegate(boss, session)
    round_ = f.make_round(
        boss, session=session, leaders=[("张总", "总经理"), ("钱主任", "车间主任")]
    )
    (zhang, qian), (politics, ability) = round_.leaders, round_.dimensions
    data = f.ballot_form(round_, strengths="敢于担当。")
    for key in (f"g-{zhang.id}-{ability.id}", f"g-{qian.id}-{politics.id}", f"o-{qian.id}"):
        del data[key]
    auth.login(voter)
    response = client.post(f"/congress/evaluations/{round_.id}/vote", data=data)
    assert response.status_code == 422
    page = page_text(response)
    assert page.index('role="alert"') < page.index(
        f'action="/congress/evaluations/{round_.id}/vote"'
    )
    alert = page.split('role="alert">')[1].split("</div>")[0]
    assert alert == "<p>还有 3 项未评定等次，已在下方各题处标出。</p>"
    errors = dict(re.findall(r'<p class="errors" id="([\w-]+)-errors">([^<]+)</p>', page))
    assert errors == {
        f"g-{zhang.id}-{ability.id}": "请为张总的“工作能力与实绩”评定等次：好、较好、一般或差。",
        f"g-{qian.id}-{politics.id}": "请为钱主任的“政治素质”评定等次：好、较好、一般或差。",
        f"o-{qian.id}": "请为钱主任评定总体等次。",
    }
    # Each message sits in its own question, after that question's name.
    key = f"g-{qian.id}-{politics.id}"
    name_at = page.index(f'id="{key}-name"')
    next_question = page.find('role="radiogroup"', name_at)
    assert name_at < page.index(f'id="{key}-errors"') < (next_question % (len(page) + 1))
    # What was chosen and written is still there.
    assert re.search(rf'name="g-{zhang.id}-{politics.id}" value="good" checked', page)
    assert re.search(rf'name="o-{zhang.id}" value="competent" checked', page)
    assert f'name="s-{zhang.id}" maxlength="1000" rows="2">敢于担当。</textarea>' in page
    assert _counts() == (0, 0, 0, 0)


def test_the_fewest_ballots_field_says_what_it_does_without_jargon(app, client, auth):
    auth.login(f.organizer())
    page = page_text(client.get("/congress/evaluations/new"))
    label = re.search(r'<label for="min_ballots">([^<]+)</label>', page).group(1)
    assert label == "最少选票数（不足此数不公布结果）"
    assert "选票太少时，从结果能推断出个人的投票。" in page


def test_one_submit_shows_every_mistake_of_a_new_round_at_its_field(app, client, auth):
    """A closing time past, no session for the delegates' vote, an account no one has and a
    dimension twice: it took four submits to hear of all four."""
    day = utcnow().astimezone(LOCAL_TZ).date()
    form = f.new_round_form([], "张三 总经理 #X9999")
    form.update(electorate="delegates", dimensions="政治素质\n政治素质")
    form["closes_at"] = f"{(day - timedelta(days=1)).isoformat()}T12:00"
    auth.login(f.organizer())
    response = client.post("/congress/evaluations/new", data=form)
    assert response.status_code == 422
    assert field_errors(page_text(response)) == {
        "closes_at": ["截止时间已过。"],
        "session": ["请选择由哪次会议的代表投票。"],
        "leaders": ["第 1 行：没有工号为 X9999 的账号。"],
        "dimensions": ["每个维度只能填写一次。"],
    }
    assert db.session.scalar(select(func.count()).select_from(EvaluationRound)) == 0


def test_one_submit_shows_the_round_form_s_mistake_and_the_service_s_at_their_fields(
    app, client, auth
):
    """No title (the form's check) hid that the delegates' vote had no session (the service's)."""
    form = f.new_round_form([], "张三 总经理")
    form.update(title="", electorate="delegates")
    auth.login(f.organizer())
    response = client.post("/congress/evaluations/new", data=form)
    assert response.status_code == 422
    assert field_errors(page_text(response)) == {
        "title": ["请输入标题。"],
        "session": ["请选择由哪次会议的代表投票。"],
    }
