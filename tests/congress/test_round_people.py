"""The people a 民主评议 round rates, changed by an organizer until the first ballot is cast:
names, posts and account links (a linked leader's ballot has no section for him); after a
ballot, or once the round has closed, they are fixed and the page says why."""

import re

import pytest
from sqlalchemy import func, select, update

from app.blueprints.congress.services import evaluations, rounds
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.models import AuditLog
from app.models.congress import EvaluationBallot, EvaluationLeader, EvaluationRound
from tests.congress import factories as f
from tests.factories import make_department, make_user
from tests.helpers import text as page_text


def _people(round_id) -> list[tuple]:
    db.session.expire_all()
    round_ = db.session.get(EvaluationRound, round_id)
    return [
        (leader.name, leader.post, leader.user.employee_no if leader.user else None)
        for leader in round_.leaders
    ]


def _changes() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditLog)
        .where(AuditLog.action == "congress.round_people_changed")
    )


def _typed(page: str) -> str:
    return re.search(r'<textarea[^>]*name="leaders"[^>]*>(.*?)</textarea>', page, re.S).group(1)


def test_the_organizer_changes_the_people_before_voting_opens(app, client, auth):
    round_ = f.make_round(f.organizer(), departments=[make_department("总装车间")], opens=1)
    make_user(employee_no="H0001", name="钱建国")
    organizer = f.organizer()
    auth.login(organizer)
    page = page_text(client.get(f"/congress/evaluations/{round_.id}"))
    assert "修改评议对象" in page and "第一张选票投出之前可以修改。" in page
    url = f"/congress/evaluations/{round_.id}/people"
    response = client.get(url)
    assert response.status_code == 200
    page = page_text(response)
    assert _typed(page).strip() == "张总 总经理\n王书记 党委书记"
    assert "在第一张选票投出之前，可以修改评议对象并关联其账号" in page
    assert "投票已开始" not in page  # it has not opened
    typed = "张建华 总经理\n王书记 党委副书记\n钱主任 机加工车间主任 ＃h0001"
    response = client.post(url, data={"leaders": typed})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/congress/evaluations/{round_.id}")
    page = page_text(client.get(response.headers["Location"]))
    assert "评议对象已保存。" in page
    assert "张建华" in page and "党委副书记" not in page and "张总" not in page
    assert "<dt>钱主任</dt><dd>账号 H0001 · 钱建国：本人不评议自己</dd>" in page
    assert _people(round_.id) == [
        ("张建华", "总经理", None),
        ("王书记", "党委副书记", None),
        ("钱主任", "机加工车间主任", "H0001"),
    ]
    entry = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "congress.round_people_changed")
    )
    assert (entry.actor_id, entry.target_id) == (organizer.id, str(round_.id))
    assert entry.before == {"leaders": ["张总 总经理", "王书记 党委书记"]}
    assert entry.after == {
        "leaders": ["张建华 总经理", "王书记 党委副书记", "钱主任 机加工车间主任 #H0001"]
    }
    # The form shows the link back as it is typed; saving it unchanged changes nothing.
    page = page_text(client.get(url))
    assert _typed(page).strip() == typed.replace("＃h0001", "#H0001")
    response = client.post(url, data={"leaders": _typed(page)})
    assert response.status_code == 303
    assert "没有修改：评议对象与原来相同。" in page_text(client.get(response.headers["Location"]))
    assert _changes() == 1


def test_a_leader_linked_while_no_one_has_voted_gets_no_section_for_himself(app, client, auth):
    round_, head, members = f.workshop_round(link="")
    he, qian = round_.leaders
    auth.login(head)
    page = page_text(client.get(f"/congress/evaluations/{round_.id}"))
    assert f'name="o-{qian.id}"' in page  # not linked yet: his own section is on his ballot
    auth.logout()
    auth.login(f.organizer())
    page = page_text(client.get(f"/congress/evaluations/{round_.id}/people"))
    assert "投票已开始。您保存时正在填写选票的人，会看到修改后的选票并需重新填写。" in page
    response = client.post(
        f"/congress/evaluations/{round_.id}/people",
        data={"leaders": "何主任 装配车间主任\n钱主任 机加工车间主任 #H0001"},
    )
    assert response.status_code == 303
    auth.logout()
    # The same two rows, 钱主任's now linked: a ballot being filled in still names them.
    assert [leader.id for leader in db.session.get(EvaluationRound, round_.id).leaders] == [
        he.id,
        qian.id,
    ]
    f.own_ballot(client, auth, head, round_.id, he, qian)
    url = f"/congress/evaluations/{round_.id}/vote"
    response = client.post(url, data=f.ballot_form(round_))  # his own section too
    assert response.status_code == 403
    assert "您是本次评议的对象之一，不能评议自己。" in page_text(response)
    response = client.post(url, data=f.ballot_form(round_, voter=head))
    assert response.status_code == 303
    assert db.session.get(EvaluationRound, round_.id).ballots_cast == 1


def test_a_ballot_cast_as_the_people_change_is_refused_to_be_filled_in_again(app):
    round_, head, _members = f.workshop_round(link="")
    qian = round_.leaders[1]
    # 钱建国 fills in his ballot, a section for 钱主任 on it, as the round was ...
    form = f.ballot_form(round_)
    grades, comments = evaluations.parse_ballot(round_, form, head)
    # ... while the organizer links 钱主任 to his account, and that is committed first.
    with db.engine.begin() as organizers:
        organizers.execute(
            update(EvaluationLeader).where(EvaluationLeader.id == qian.id).values(user_id=head.id)
        )
    with pytest.raises(Refused) as refused:
        evaluations.cast_ballot(head, round_, grades, comments, form["people"])
    assert refused.value.status == 422
    assert refused.value.message == "评议对象已经改变，请重新填写选票。"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(EvaluationBallot)) == 0
    assert db.session.get(EvaluationRound, round_.id).ballots_cast == 0


def _version(page: str) -> str:
    """The people version the ballot on `page` was made for (its hidden field)."""
    return re.search(r'<input type="hidden" name="people" value="([0-9a-f]+)">', page).group(1)


def test_a_ballot_for_a_leader_taken_out_never_counts_for_one_added_in_his_place(app, client, auth):
    """SQLite gave the row id of the leader with the highest id, once he was taken out, to the
    next one added: the old ballot's fields then named the new person, and would rate him with
    the grades meant for the other, with nothing to tell afterwards (ballots are secret)."""
    round_, _head, members = f.workshop_round(link="")
    qian_id = round_.leaders[1].id
    vote = f"/congress/evaluations/{round_.id}/vote"
    auth.login(members[0])
    page = page_text(client.get(f"/congress/evaluations/{round_.id}"))
    old = {**f.ballot_form(round_), f"o-{qian_id}": "incompetent"}  # 钱主任: 不称职
    assert old["people"] == _version(page)
    auth.logout()
    # The organizer takes 钱主任 out in one save, and adds 孙主任 in another.
    auth.login(f.organizer())
    url = f"/congress/evaluations/{round_.id}/people"
    assert client.post(url, data={"leaders": "何主任 装配车间主任"}).status_code == 303
    response = client.post(url, data={"leaders": "何主任 装配车间主任\n孙主任 铸造车间主任"})
    assert response.status_code == 303
    auth.logout()
    sun = db.session.scalar(select(EvaluationLeader).where(EvaluationLeader.name == "孙主任"))
    # No id is given twice (on SQLite since migration 0032): give him 钱主任's id, as SQLite
    # did before, for the ballot's people version to refuse the old ballot by itself.
    assert sun.id != qian_id
    db.session.execute(
        update(EvaluationLeader).where(EvaluationLeader.id == sun.id).values(id=qian_id)
    )
    db.session.commit()
    # The old ballot: every field names someone in the round, yet it is refused whole.
    auth.login(members[0])
    before = f.stored()
    response = client.post(vote, data=old)
    assert response.status_code == 422
    page = page_text(response)
    assert "评议对象已经改变，请重新填写选票。" in page
    # The new ballot instead, 孙主任 on it, with nothing of the old one filled in.
    assert "孙主任" in page and "钱主任" not in page
    assert f'name="o-{qian_id}"' in page and "checked" not in page
    assert f.stored() == before
    assert db.session.get(EvaluationRound, round_.id).ballots_cast == 0
    # Filled in again, for the people as they are now, it counts.
    new = f.ballot_form(db.session.get(EvaluationRound, round_.id))
    assert new["people"] == _version(page) != old["people"]
    assert client.post(vote, data=new).status_code == 303
    assert db.session.get(EvaluationRound, round_.id).ballots_cast == 1


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("钱主任 机加工车间主任\n何主任 装配车间主任", True),  # the same people, put the other way
        ("钱主任 机加工车间主任\n何主任 总装车间主任", False),  # and 何主任's post renamed
    ],
    ids=["reordered", "renamed"],
)
def test_a_ballot_filled_in_as_the_people_are_only_reordered_still_counts(
    app, client, auth, typed, accepted
):
    """Each section of a ballot is read by its leader's row id; the order of the people only
    says where each sits on the page, so putting them in another order leaves a ballot being
    filled in meaning what it meant. Any other change still sends it back."""
    round_, _head, members = f.workshop_round(link="")
    vote = f"/congress/evaluations/{round_.id}/vote"
    auth.login(members[0])
    page = page_text(client.get(f"/congress/evaluations/{round_.id}"))
    old = f.ballot_form(round_)
    assert old["people"] == _version(page)
    auth.logout()
    auth.login(f.organizer())
    url = f"/congress/evaluations/{round_.id}/people"
    assert client.post(url, data={"leaders": typed}).status_code == 303
    auth.logout()
    assert [name for name, _post, _no in _people(round_.id)] == ["钱主任", "何主任"]
    auth.login(members[0])
    response = client.post(vote, data=old)
    if accepted:
        assert response.status_code == 303
        assert db.session.get(EvaluationRound, round_.id).ballots_cast == 1
    else:
        assert response.status_code == 422
        assert "评议对象已经改变，请重新填写选票。" in page_text(response)
        assert db.session.get(EvaluationRound, round_.id).ballots_cast == 0


def test_a_ballot_with_mistakes_comes_back_without_them_once_the_people_changed(
    app, client, auth, monkeypatch
):
    """A ballot refused for a missing grade is shown again with its choices; were the people
    changed between the refusal and that page, its choices would sit on other people."""
    round_, _head, members = f.workshop_round(link="")
    qian_id = round_.leaders[1].id
    form = f.ballot_form(round_)
    del form[f"o-{qian_id}"]
    cast = evaluations.cast_ballot

    def refused_then_changed(*args):
        try:
            cast(*args)
        except ValidationFailed:
            db.session.rollback()  # the lock goes; the organizer's save comes in
            with db.engine.begin() as organizers:
                organizers.execute(
                    update(EvaluationLeader)
                    .where(EvaluationLeader.id == qian_id)
                    .values(name="孙主任", post="铸造车间主任")
                )
            raise

    monkeypatch.setattr(evaluations, "cast_ballot", refused_then_changed)
    auth.login(members[0])
    response = client.post(f"/congress/evaluations/{round_.id}/vote", data=form)
    assert response.status_code == 422
    page = page_text(response)
    assert "评议对象已经改变，请重新填写选票。" in page
    assert "孙主任" in page and "checked" not in page and "总体等次" not in page
    assert f.stored() == (0, 0, 0, 0)


def test_after_one_ballot_the_people_are_fixed(app, client, auth):
    round_, head, members = f.workshop_round(link="")
    f.vote(members[0], round_)
    before = _people(round_.id)
    auth.login(f.organizer())
    page = page_text(client.get(f"/congress/evaluations/{round_.id}"))
    assert "已有人投票，评议对象已固定，以保证每张选票评议的是同一批人。" in page
    assert "修改评议对象" not in page
    url = f"/congress/evaluations/{round_.id}/people"
    response = client.get(url)
    assert response.status_code == 409
    page = page_text(response)
    assert "已有人投票，评议对象已固定，以保证每张选票评议的是同一批人。" in page
    assert "何主任" in page and "钱主任" in page and "<textarea" not in page
    response = client.post(url, data={"leaders": "钱主任 机加工车间主任 #H0001"})
    assert response.status_code == 409
    assert "已有人投票，评议对象已固定" in page_text(response)
    assert _people(round_.id) == before
    assert _changes() == 0
    # The service refuses as well, whoever calls it.
    with pytest.raises(Refused) as refused:
        rounds.change_people(
            f.organizer(), db.session.get(EvaluationRound, round_.id), [("钱主任", "", "H0001")]
        )
    assert refused.value.status == 409


def test_a_round_that_closed_keeps_its_people_even_without_ballots(app, client, auth):
    round_, _head, _members = f.workshop_round(link="")
    f.close(round_)
    auth.login(f.organizer())
    url = f"/congress/evaluations/{round_.id}/people"
    response = client.post(url, data={"leaders": "何主任 装配车间主任"})
    assert response.status_code == 409
    assert "本次评议已结束，评议对象不能再修改。" in page_text(response)
    assert len(_people(round_.id)) == 2


@pytest.mark.parametrize("who", ["member", "delegate"])
def test_a_member_or_delegate_cannot_change_the_people(app, client, auth, who):
    organizer = f.organizer()
    session = f.make_session(organizer)
    person = make_user()
    if who == "delegate":
        f.make_delegate(organizer, session, user=person)
    round_ = f.make_round(organizer, session=session)
    before = _people(round_.id)
    auth.login(person)
    page = page_text(client.get(f"/congress/evaluations/{round_.id}"))
    assert "修改评议对象" not in page
    url = f"/congress/evaluations/{round_.id}/people"
    assert client.get(url).status_code == 403
    response = client.post(url, data={"leaders": "我自己 总经理"})
    assert response.status_code == 403
    assert _people(round_.id) == before
    assert _changes() == 0


HE, QIAN = "何主任 装配车间主任", "钱主任 机加工车间主任"


def _post_leaders(client, round_, form, typed):
    """`typed` as the people of `round_` (`form` "people"), or of a new round of its
    departments (`form` "new"): both forms read their lines the same way."""
    if form == "people":
        return client.post(f"/congress/evaluations/{round_.id}/people", data={"leaders": typed})
    return client.post(
        "/congress/evaluations/new", data=f.new_round_form(round_.departments, typed)
    )


@pytest.mark.parametrize("form", ["people", "new"])
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请至少填写一名评议对象。"),
        (f"{HE}\n#H0001", "第 2 行：工号 #H0001 前面没有姓名：请依次填写姓名、职务，再写 #H0001。"),
        (f"{HE}\n{QIAN}\n{HE}", f"第 3 行：“{HE}”填写了两次"),
        (f"{HE} #H0001\n{QIAN} #h0001", "第 2 行：工号 H0001 填给了两位评议对象"),
        (f"{HE}\n{QIAN} #H0009", "第 2 行：没有工号为 H0009 的账号。"),
        # A line is the line the person sees: the blank ones count.
        (f"{HE}\n\n{QIAN} #H0009", "第 3 行：没有工号为 H0009 的账号。"),
        # A # with no number would save 钱主任 unlinked: his own section back on his ballot.
        (f"{HE}\n{QIAN} #", "第 2 行：# 后面缺少工号。请写上工号，或删去 #。"),
        (f"{QIAN} ＃　\n{HE}", "第 1 行：# 后面缺少工号。"),
        ("#", "第 1 行：# 后面缺少工号。"),
        (f"{HE}\n{'钱' * 81}", "第 2 行：姓名最多 80 个字（姓名和职务之间用空格隔开）。"),
        (f"{HE}\n钱主任 {'主' * 121}", "第 2 行：职务最多 120 个字。"),
        # A # inside a post is the post's: the mistake is the link's, at the line's end.
        (f"{HE}\n王五 3#高炉炉长 #", "第 2 行：# 后面缺少工号。请写上工号，或删去 #。"),
        (f"王五 3＃高炉炉长 ＃　\n{HE}", "第 1 行：# 后面缺少工号。"),
        (f"{HE}\n李四 1#机组值班长 #H0009", "第 2 行：没有工号为 H0009 的账号。"),
    ],
    ids=[
        "none",
        "number-without-name",
        "listed-twice",
        "account-twice",
        "unknown-number",
        "blank-lines-count",
        "hash-without-number",
        "full-width-hash-without-number",
        "hash-alone",
        "name-too-long",
        "post-too-long",
        "hash-in-post-then-hash-without-number",
        "full-width-hash-in-post-then-hash-without-number",
        "hash-in-post-then-unknown-number",
    ],
)
def test_a_mistake_is_told_at_the_field_with_its_line_and_keeps_what_was_typed(
    app, client, auth, form, typed, message
):
    round_, _head, _members = f.workshop_round(link="")
    before = _people(round_.id)
    auth.login(f.organizer())
    response = _post_leaders(client, round_, form, typed)
    assert response.status_code == 422
    page = page_text(response)
    errors = re.search(r'id="leaders-errors">(.*?)</ul>', page, re.S)
    assert message in errors.group(1)
    assert _typed(page).strip() == typed.strip()
    assert _people(round_.id) == before
    assert _changes() == 0
    assert db.session.scalar(select(func.count()).select_from(EvaluationRound)) == 1


def test_every_line_mistake_is_told_at_once(app, client, auth):
    round_, _head, _members = f.workshop_round(link="")
    auth.login(f.organizer())
    typed = f"{QIAN} #\n{HE}\n\n{'钱' * 81}\n{HE}\n孙主任 铸造车间主任 #H0009"
    response = _post_leaders(client, round_, "people", typed)
    assert response.status_code == 422
    errors = re.search(r'id="leaders-errors">(.*?)</ul>', page_text(response), re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", errors) == [
        "第 1 行：# 后面缺少工号。请写上工号，或删去 #。",
        "第 4 行：姓名最多 80 个字（姓名和职务之间用空格隔开）。",
        f"第 5 行：“{HE}”填写了两次，每位评议对象只能填写一次。",
        "第 6 行：没有工号为 H0009 的账号。",
    ]


def _kept(page: str) -> str:
    """What the organizer typed, shown back read-only on a page that refused it."""
    return re.search(r"<textarea[^>]*\breadonly\b[^>]*>(.*?)</textarea>", page, re.S).group(1)


TYPED = f"{HE}\n{QIAN} #H0001\n孙主任 铸造车间主任"


def test_people_typed_as_a_ballot_comes_in_are_shown_back_to_copy(app, client, auth):
    """The organizer opened the form; a ballot was cast before they saved: the people are
    fixed, and what they typed is not lost with the form."""
    round_, _head, members = f.workshop_round(link="")
    before = _people(round_.id)
    auth.login(f.organizer())
    url = f"/congress/evaluations/{round_.id}/people"
    assert client.get(url).status_code == 200
    f.vote(members[0], round_)
    response = client.post(url, data={"leaders": TYPED})
    assert response.status_code == 409
    page = page_text(response)
    assert "已有人投票，评议对象已固定，以保证每张选票评议的是同一批人。" in page
    assert "您填写的内容没有保存，如需保留请从这里复制：" in page
    assert _kept(page).strip() == TYPED
    assert 'name="leaders"' not in page  # nothing to send again
    assert _people(round_.id) == before
    # Opened after the ballot, the page has nothing typed to show back.
    page = page_text(client.get(url))
    assert "您填写的内容没有保存" not in page and "<textarea" not in page


def test_people_typed_as_a_ballot_comes_in_while_saving_are_shown_back(
    app, client, auth, monkeypatch
):
    """The ballot comes in between the page's check and the save's (under the round's lock)."""
    round_, _head, members = f.workshop_round(link="")
    before = _people(round_.id)
    refusal = rounds.people_refusal
    checks = []

    def ballot_comes_in_after_the_first_check(round_):
        checks.append(round_)
        return None if len(checks) == 1 else refusal(round_)

    monkeypatch.setattr(rounds, "people_refusal", ballot_comes_in_after_the_first_check)
    auth.login(f.organizer())
    f.vote(members[0], round_)
    response = client.post(f"/congress/evaluations/{round_.id}/people", data={"leaders": TYPED})
    assert response.status_code == 409
    assert len(checks) >= 2  # the save's own check refused it
    page = page_text(response)
    assert "已有人投票，评议对象已固定" in page
    assert _kept(page).strip() == TYPED
    assert _people(round_.id) == before
    assert _changes() == 0


def test_a_post_with_a_hash_in_it_is_the_post_and_only_a_last_hash_word_links(app, client, auth):
    """Works number their furnaces and units "3#", "1#": the # inside a post is the post's. The
    account link is the line's last word, # and the number, as the form's hint writes it."""
    round_, _head, _members = f.workshop_round(link="")
    make_user(employee_no="H0002", name="王建军")
    make_user(employee_no="H0003", name="孙建国")
    auth.login(f.organizer())
    url = f"/congress/evaluations/{round_.id}/people"
    hint = "评议对象有账号的，再加空格、# 和工号，如“钱主任 机加工车间主任 #H0001”"
    assert hint in page_text(client.get(url))
    typed = (
        "王五 3#高炉炉长\n李四 1#机组值班长 #H0002\n赵六 2＃转炉炉长\n"
        "钱主任 机加工车间主任 ＃h0001\n孙七 总经理#H0003"
    )
    response = client.post(url, data={"leaders": typed})
    assert response.status_code == 303, page_text(response)
    assert _people(round_.id) == [
        ("王五", "3#高炉炉长", None),
        ("李四", "1#机组值班长", "H0002"),
        ("赵六", "2＃转炉炉长", None),
        ("钱主任", "机加工车间主任", "H0001"),
        ("孙七", "总经理", "H0003"),  # the number written onto the post: linked, as before
    ]
    page = page_text(client.get(f"/congress/evaluations/{round_.id}"))
    assert "<dt>李四</dt><dd>账号 H0002 · 王建军：本人不评议自己</dd>" in page
    # The form writes them back as they are read again: saving them unchanged changes nothing.
    written = _typed(page_text(client.get(url))).strip()
    assert written.splitlines()[:2] == ["王五 3#高炉炉长", "李四 1#机组值班长 #H0002"]
    response = client.post(url, data={"leaders": written})
    assert "没有修改：评议对象与原来相同。" in page_text(client.get(response.headers["Location"]))
    # The new-round form reads its lines the same way.
    response = _post_leaders(client, round_, "new", "王五 3#高炉炉长")
    assert response.status_code == 303, page_text(response)
    made = db.session.scalar(select(EvaluationRound).order_by(EvaluationRound.id.desc()))
    assert _people(made.id) == [("王五", "3#高炉炉长", None)]


def test_a_character_no_text_may_hold_is_told_at_its_line(app):
    """The people a service is given (not the form, which refuses a NUL before any view) are
    checked as every text is (`clean_text`), each line's mistake at once."""
    round_, _head, _members = f.workshop_round(link="")
    leaders = [
        (*HE.split(), ""),
        ("钱主任", "机加工\x00车间主任", ""),
        ("孙主任", "铸造", "#H\x0001"),
    ]
    with pytest.raises(ValidationFailed) as refused:
        rounds.change_people(f.organizer(), round_, leaders)
    assert refused.value.errors == {
        "leaders": ["第 2 行：文字中含有不允许的字符。", "第 3 行：文字中含有不允许的字符。"]
    }


def test_the_accounts_of_the_lines_are_found_in_one_query_however_many_lines(
    app, client, auth, count_queries
):
    """An organizer links a long list of cadres to their accounts: saving it reads no more
    than saving two."""
    workshop = make_department("机加工车间")
    numbers = [make_user(employee_no=f"H00{n:02d}").employee_no for n in range(1, 13)]
    auth.login(f.organizer())
    counts = []
    for many in (2, 12):
        round_ = f.make_round(f.organizer(), departments=[workshop])
        typed = "\n".join(f"主任{n} 车间主任 #{n}" for n in numbers[:many])
        with count_queries() as counter:
            response = _post_leaders(client, round_, "new", typed)
        assert response.status_code == 303, page_text(response)
        # Each leader is a row written; what is read to save them does not grow with them.
        counts.append(sum(s.lstrip().upper().startswith("SELECT") for s in counter.statements))
    assert counts[0] == counts[1], counts
