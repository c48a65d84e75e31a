"""民主评议 of a leader who also votes: linked to their account, they get no section for
themselves, a forged rating of themselves is refused, each leader's results count the ballots
that rated them, and the database keeps no trace of which ballot left a section out."""

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models.congress import (
    BallotComment,
    BallotGrade,
    EvaluationBallot,
    EvaluationLeader,
    EvaluationRound,
    EvaluationVoter,
)
from tests.congress import factories as f
from tests.factories import make_department, make_user
from tests.helpers import text as page_text


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (EvaluationVoter, EvaluationBallot, BallotGrade, BallotComment)
    )


def test_the_organizer_links_a_leader_by_employee_number_and_sees_whose_account(app, client, auth):
    workshop = make_department("机加工车间")
    make_user(employee_no="H0001", name="钱建国", department=workshop)
    auth.login(f.organizer())
    form = f.new_round_form([workshop], "何主任 装配车间主任\n钱主任 机加工车间主任 ＃h0001")
    response = client.post("/congress/evaluations/new", data=form)
    assert response.status_code == 303, page_text(response)
    qian = db.session.scalar(select(EvaluationLeader).where(EvaluationLeader.name == "钱主任"))
    assert (qian.post, qian.user.employee_no) == ("机加工车间主任", "H0001")
    page = page_text(client.get(response.headers["Location"]))
    assert "<dt>钱主任</dt><dd>账号 H0001 · 钱建国：本人不评议自己</dd>" in page
    # A number no account has is refused at the field, and nothing is set up.
    form = f.new_round_form([workshop], "何主任 装配车间主任\n钱主任 机加工车间主任 #H0009")
    response = client.post("/congress/evaluations/new", data=form)
    assert response.status_code == 422
    errors = re.search(r'id="leaders-errors">(.*?)</ul>', page_text(response), re.S)
    assert "没有工号为 H0009 的账号。" in errors.group(1)
    assert db.session.scalar(select(func.count()).select_from(EvaluationRound)) == 1


def test_a_linked_leader_has_no_section_for_himself_and_a_forged_rating_is_refused(
    app, client, auth
):
    round_, head, members = f.workshop_round()
    he, qian = round_.leaders
    f.own_ballot(client, auth, head, round_.id, he, qian)
    url = f"/congress/evaluations/{round_.id}/vote"
    before = _counts()
    forged = f.ballot_form(round_, overall="excellent")  # his own section too
    response = client.post(url, data=forged)
    assert response.status_code == 403
    assert "您是本次评议的对象之一，不能评议自己。" in page_text(response)
    assert _counts() == before
    # Only his own overall grade, the rest left out: refused all the same.
    people = {"people": forged["people"]}  # the ballot was made for the round's people
    response = client.post(url, data={**people, f"o-{qian.id}": "excellent"})
    assert response.status_code == 403
    assert _counts() == before
    # Without his section the ballot is complete and counted.
    response = client.post(url, data=f.ballot_form(round_, voter=head))
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    assert db.session.get(EvaluationRound, round_.id).ballots_cast == 1
    auth.logout()
    # A member's ballot still has both sections and needs them.
    auth.login(members[0])
    page = page_text(client.get(f"/congress/evaluations/{round_.id}"))
    assert f'name="o-{qian.id}"' in page and "没有评议自己的部分" not in page
    response = client.post(url, data=f.ballot_form(round_, voter=head))
    assert response.status_code == 422
    assert "请为钱主任评定总体等次" in page_text(response)


def _results(client, auth, round_) -> str:
    auth.login(f.organizer())
    response = client.get(f"/congress/evaluations/{round_.id}/results")
    auth.logout()
    assert response.status_code == 200
    return page_text(response)


def _section(page: str, name: str) -> str:
    return page.split(f'<h2 class="section-title">{name} ')[1].split('<h2 class="section-title">')[
        0
    ]


def _voted_results(client, auth, k: int, head_marks: dict, member_marks: dict) -> str:
    """The results page of the workshop round (`k`), closed once its head (linked to 钱主任)
    and each member voted with these marks."""
    round_, head, members = f.workshop_round(k=k)
    f.vote(head, round_, **head_marks)
    for member in members:
        f.vote(member, round_, **member_marks)
    f.close(round_)
    return _results(client, auth, round_)


def test_results_count_each_leader_over_the_ballots_that_rated_them(app, client, auth):
    page = _voted_results(client, auth, 3, {"overall": "excellent"}, {"overall": "competent"})
    assert "<dt>选票数</dt><dd>4</dd>" in page
    he, qian = _section(page, "何主任"), _section(page, "钱主任")
    assert "评议票数：4 张" in he and "评议票数：3 张" in qian
    overall = re.compile(r"<td>(\d+)<br><span class=\"muted\">([\d.]+)%</span></td>")
    # 何主任: the head's 优秀 and three 称职, out of four; 钱主任: three 称职 out of three.
    assert overall.findall(he)[-4:] == [("1", "25.0"), ("3", "75.0"), ("0", "0.0"), ("0", "0.0")]
    assert overall.findall(qian)[-4:] == [("0", "0.0"), ("3", "100.0"), ("0", "0.0"), ("0", "0.0")]


def test_a_leader_rated_on_fewer_than_k_ballots_has_his_results_withheld(app, client, auth):
    page = _voted_results(client, auth, 4, {"strengths": "深入一线"}, {"strengths": "敢于担当"})
    he, qian = _section(page, "何主任"), _section(page, "钱主任")
    assert "评议票数：4 张" in he and "深入一线" in he
    assert "评议票数：3 张" in qian
    assert "评议钱主任的选票达到 4 张才显示其结果" in qian
    assert "<table" not in qian and "敢于担当" not in qian


def test_no_stored_ballot_shows_which_one_left_the_voter_s_own_section_out(app):
    round_, head, members = f.workshop_round()
    he, qian = round_.leaders
    for i, voter in enumerate([members[0], head, *members[1:]]):
        f.vote(voter, round_, strengths=f"意见{i}")
    # Read the database as it is: every stored sheet is one leader's section, so no sheet
    # is a ballot that lacks 钱主任's; the sections of one ballot share nothing.
    leaders_of_sheet = {}
    for model in (BallotGrade, BallotComment):
        for sheet, leader in db.session.execute(select(model.ballot_id, model.leader_id)):
            leaders_of_sheet.setdefault(sheet, set()).add(leader)
    sheets = set(db.session.scalars(select(EvaluationBallot.id)))
    assert set(leaders_of_sheet) == sheets
    assert all(len(leaders) == 1 for leaders in leaders_of_sheet.values())
    per_leader = sorted(next(iter(ls)) for ls in leaders_of_sheet.values())
    assert per_leader == sorted([he.id] * 4 + [qian.id] * 3)
    # Each section is whole: its grades and its opinion under one key.
    for sheet in sheets:
        grades = db.session.scalar(
            select(func.count()).select_from(BallotGrade).where(BallotGrade.ballot_id == sheet)
        )
        assert grades == len(round_.dimensions) + 1
    # The head's mark is only that he voted; the round counts ballots, not sections.
    assert db.session.get(EvaluationVoter, (round_.id, head.id)) is not None
    assert db.session.get(EvaluationRound, round_.id).ballots_cast == 4
