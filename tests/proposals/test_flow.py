"""A proposal through the pages, from a draft to the award: each step writes the timeline,
notifies the proposers, and the proposers read every decision with its reason."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.blueprints.proposals.jobs import alert_overdue
from app.models import Notification
from app.models.proposals import Proposal, ProposalStatus
from app.services.inputs import local_today
from tests.helpers import text
from tests.proposals.conftest import COMPLETE, advance


def _notes(db, user) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.title)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def test_from_a_draft_to_the_award_through_the_pages(client, auth, cast, db):
    auth.login(cast.proposer)
    # A draft needs only a title and is kept.
    response = client.post("/proposals/new", data={"title": "切削液再生", "action": "draft"})
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    assert proposal.status is ProposalStatus.DRAFT
    url = f"/proposals/{proposal.id}"
    assert "草稿" in text(client.get(url))
    # Sending in an incomplete draft says what is missing.
    refused = client.post(url + "/submit")
    assert refused.status_code == 422 and "请填写现状及存在的问题。" in text(refused)
    # Completed on the edit page with a co-proposer, and sent in.
    response = client.post(
        url + "/edit",
        data={
            **COMPLETE,
            "share": "70",
            "coauthors[0][employee_no]": "P2",
            "coauthors[0][share]": "30",
            "action": "submit",
        },
    )
    assert response.status_code == 303
    assert proposal.status is ProposalStatus.SUBMITTED
    assert sorted((a.user.name, a.share) for a in proposal.authors) == [
        ("孙车工", 70),
        ("褚车工", 30),
    ]
    assert proposal.department_id == cast.workshop.id
    auth.logout()

    # The department head recommends; the committee scores, adopts, awards.
    auth.login(cast.head)
    assert "部门意见" in text(client.get(url))
    assert (
        client.post(url + "/opinion", data={"recommend": "yes", "note": "车间推荐"}).status_code
        == 303
    )
    auth.logout()
    auth.login(cast.organizer)
    scores = {"technical": "25", "economic": "27.5", "scope": "15", "practicality": "18"}
    assert client.post(url + "/score", data=scores).status_code == 303
    due = (local_today() + timedelta(days=30)).isoformat()
    decision = {
        "decision": "adopt",
        "reason": "投入小、见效快，同意采纳",
        "owner_id": str(cast.owner.id),
        "plan": "设备科一个月内装好过滤装置",
        "due_on": due,
    }
    assert client.post(url + "/decision", data=decision).status_code == 303
    auth.logout()
    auth.login(cast.owner)
    assert (
        client.post(
            url + "/completion",
            data={"benefit": "48,000", "benefit_method": "对比实施前后三个月的采购台账"},
        ).status_code
        == 303
    )
    auth.logout()
    auth.login(cast.organizer)
    assert (
        client.post(url + "/award", data={"grade": "second", "amount": "2000"}).status_code == 303
    )
    auth.logout()

    # The co-proposer sees every step and reason; both proposers were told of each.
    auth.login(cast.coproposer)
    page = text(client.get(url))
    for seen in (
        "车间推荐",
        "85.5 / 100",
        "采纳",
        "投入小、见效快，同意采纳",
        "设备科一个月内装好过滤装置",
        due,
        "48,000.00",
        "对比实施前后三个月的采购台账",
        "二等奖",
        "2,000.00",
        "已获奖",
    ):
        assert seen in page, seen
    assert "评审委员会决定：采纳" in page
    # The award stands under its own heading, each figure labelled; not under 实测效益.
    flat = page.replace("\n", "")
    benefit = flat[
        flat.index('id="benefit"') : flat.index("</section>", flat.index('id="benefit"'))
    ]
    assert "二等奖" not in benefit
    assert re.search(
        r'id="award">\s*<h2 class="card-title">奖励</h2>.*?<dt>奖励等级</dt><dd id="award-grade">'
        r'二等奖</dd>\s*<dt>奖金（元）</dt><dd id="award-amount">2,000.00</dd>',
        flat,
    )
    # The implementation's deadline, as the decision form calls it (not a hazard's 整改期限).
    assert f"完成期限</dt><dd>{due}" in page.replace("\n", "") and "整改期限" not in page
    for person in (cast.proposer, cast.coproposer):
        titles = _notes(db, person)
        assert len(titles) == 6, titles  # sent in, recommended, scored, decided, done, awarded
        assert any("采纳" in t for t in titles) and any("获奖" in t for t in titles)
    assert proposal.status is ProposalStatus.AWARDED
    assert [e.action.value for e in proposal.events] == [
        "create",
        "submit",
        "recommend",
        "score",
        "decide",
        "complete",
        "award",
    ]
    # The admin's audit log names each step in words, the decision and award in Chinese.
    auth.logout()
    auth.login(cast.admin)
    log = text(client.get("/admin/audit"))
    for words in ("提交合理化建议", "部门推荐建议", "建议评审决定", "建议实施完成（实测效益）"):
        assert words in log, words
    assert "采纳：废切削液再生利用" in log and "二等奖" in log
    assert "proposal." not in log and "adopt:" not in log


def test_a_declined_proposal_shows_its_reason_to_the_proposer(client, auth, cast, db):
    proposal = advance(cast, "scored")
    auth.login(cast.organizer)
    url = f"/proposals/{proposal.id}"
    assert (
        client.post(url + "/decision", data={"decision": "decline", "reason": ""}).status_code
        == 422
    )
    assert (
        client.post(
            url + "/decision", data={"decision": "decline", "reason": "与现行工艺冲突"}
        ).status_code
        == 303
    )
    auth.logout()
    auth.login(cast.proposer)
    page = text(client.get(url))
    assert "不采纳" in page and "与现行工艺冲突" in page
    assert "与现行工艺冲突" in [n.body for n in db.session.scalars(select(Notification))][-1]


def test_a_workshop_without_a_head_has_the_committee_give_its_opinion(client, auth, cast, db):
    from app.blueprints.proposals import services

    services.set_heads(cast.organizer, cast.workshop, [])
    db.session.commit()
    proposal = advance(cast, "submitted")
    auth.login(cast.head)
    assert (
        client.post(f"/proposals/{proposal.id}/opinion", data={"recommend": "yes"}).status_code
        == 404
    )
    auth.logout()
    auth.login(cast.organizer)
    response = client.post(
        f"/proposals/{proposal.id}/opinion", data={"recommend": "no", "note": "已有同类改造"}
    )
    assert response.status_code == 303
    assert proposal.status is ProposalStatus.REVIEWING and proposal.recommended is False


def test_reporting_it_done_tells_the_committee_it_waits_for_their_award(client, auth, cast, db):
    """The owner's report ends the implementation; the award is the committee's: every member
    (organizers and the chairman) is told, with the benefit and a link to the proposal."""
    proposal = advance(cast, "adopted")
    auth.login(cast.owner)
    response = client.post(
        f"/proposals/{proposal.id}/completion",
        data={"benefit": "48000", "benefit_method": "对比实施前后三个月的采购台账"},
    )
    assert response.status_code == 303
    told = db.session.scalars(
        select(Notification).where(Notification.kind == "proposals.to_award")
    ).all()
    assert sorted(n.user_id for n in told) == sorted([cast.organizer.id, cast.admin.id])
    assert {n.url for n in told} == {f"/proposals/{proposal.id}"}
    auth.logout()
    auth.login(cast.organizer)
    inbox = text(client.get("/notifications/"))
    assert "有建议已实施完成，待评奖：废切削液再生利用" in inbox
    assert "实测年效益：48,000.00 元。" in inbox


def test_withdrawing_an_adoption_declines_it_with_the_reason(client, auth, cast, db):
    proposal = advance(cast, "implemented")
    auth.login(cast.organizer)
    response = client.post(
        f"/proposals/{proposal.id}/revoke", data={"reason": "复核发现效益重复计算"}
    )
    assert response.status_code == 303
    assert proposal.status is ProposalStatus.DECLINED
    auth.logout()
    auth.login(cast.proposer)
    assert "复核发现效益重复计算" in text(client.get(f"/proposals/{proposal.id}"))


def test_overdue_implementations_alert_the_owner_once_a_day(cast, db):
    proposal = advance(cast, "adopted")
    proposal.due_on = local_today() - timedelta(days=1)
    db.session.commit()
    assert alert_overdue() == 1
    assert alert_overdue() == 0  # once a day
    assert alert_overdue(local_today() + timedelta(days=1)) == 1
    db.session.commit()
    titles = _notes(db, cast.owner)
    assert sum("逾期" in t for t in titles) == 2


def test_drafts_are_deleted_only_by_their_proposer(client, auth, cast, db):
    proposal = advance(cast, "draft")
    auth.login(cast.coproposer)
    assert client.post(f"/proposals/{proposal.id}/delete").status_code == 403
    auth.logout()
    auth.login(cast.proposer)
    # The button asks first (the app's data-confirm step), naming the draft.
    page = text(client.get(f"/proposals/{proposal.id}"))
    assert 'data-confirm="删除草稿“废切削液再生利用”？删除后无法恢复。">删除草稿</button>' in page
    assert client.post(f"/proposals/{proposal.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_home_cards_show_drafts_and_work_waiting_and_me_leads_to_proposals(client, auth, cast):
    advance(cast, "draft")
    advance(cast, "submitted")
    auth.login(cast.proposer)
    home = text(client.get("/"))
    assert "合理化建议" in home and "有 1 份草稿待完成。" in home
    assert "/proposals/" in text(client.get("/me")) and "我的合理化建议" in text(client.get("/me"))
    auth.logout()
    auth.login(cast.head)
    assert "待您处理的建议" in text(client.get("/"))
    auth.logout()
    auth.login(cast.outsider)
    assert "建议" not in text(client.get("/")).split('id="home-cards"')[1]


def test_the_home_card_counts_what_waits_for_each_role_in_turn(client, auth, cast):
    """The card's statement is made once for each shape of role (committee or not, safety
    officer or not): people of each shape, one after another, each get their own count."""
    advance(cast, "reviewing")  # the head has given an opinion: now the committee's
    advance(cast, "submitted", category="safety")  # waits for the head
    expected = {
        cast.organizer: '待您处理的建议 <span class="badge">1</span>',  # one to review
        cast.head: '待您处理的建议 <span class="badge">1</span>',  # the new one's opinion
        cast.officer: None,  # sees the safety proposal, but nothing waits for them
        cast.outsider: None,
        cast.proposer: None,
    }
    for person, card in expected.items():
        auth.login(person)
        cards = text(client.get("/")).split('id="home-cards"')[1]
        if card:
            assert card in cards, person.name
        else:
            assert "待您处理的建议" not in cards, person.name
        auth.logout()
