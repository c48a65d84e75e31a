"""Every date of the proposals takes the years the rest of the app takes (2000–2100), with the
same message; every required field says what it needs, not WTForms' "该字段是必填字段。"."""

import pytest
from sqlalchemy import func, select

from app.models import Notification
from app.models.proposals import ProposalStatus
from tests.helpers import text
from tests.proposals.conftest import advance

VAGUE = "该字段是必填字段。"
OUT_OF_YEARS = "请选择 2000 年到 2100 年之间的日期。"


def _adopt(cast, due_on: str) -> dict:
    return {
        "decision": "adopt",
        "reason": "投入小、见效快",
        "owner_id": str(cast.owner.id),
        "plan": "设备科一个月内装好",
        "due_on": due_on,
    }


@pytest.mark.parametrize("due_on", ["9999-12-31", "0001-01-01", "2101-01-01"])
def test_a_due_date_outside_2000_to_2100_is_refused_as_elsewhere(client, auth, cast, db, due_on):
    proposal = advance(cast, "scored")
    auth.login(cast.organizer)
    response = client.post(f"/proposals/{proposal.id}/decision", data=_adopt(cast, due_on))
    assert response.status_code == 422
    assert OUT_OF_YEARS in text(response)
    db.session.refresh(proposal)
    assert proposal.status is ProposalStatus.REVIEWING and proposal.due_on is None
    # The owner is not told of a deadline that will never come.
    told = select(func.count()).where(
        Notification.user_id == cast.owner.id, Notification.body.contains(due_on)
    )
    assert db.session.scalar(told) == 0


def test_the_monthly_statistics_take_the_same_years(client, auth, cast):
    auth.login(cast.organizer)
    response = client.get("/proposals/stats?month=9999-12")
    assert response.status_code == 400 and OUT_OF_YEARS in text(response)
    assert client.get("/proposals/stats?month=2100-12").status_code == 200


def test_an_empty_proposal_says_what_each_part_needs(client, auth, cast):
    auth.login(cast.proposer)
    draft = text(client.post("/proposals/new", data={"title": "", "action": "draft"}))
    assert "请输入标题。" in draft and VAGUE not in draft
    sent = text(client.post("/proposals/new", data={"title": "切削液再生", "action": "submit"}))
    for message in ("请填写现状及存在的问题。", "请填写建议措施。", "请填写预期效果。"):
        assert message in sent
    assert VAGUE not in sent


def test_each_review_step_says_what_an_empty_field_needs(client, auth, cast):
    steps = [
        (cast.head, "submitted", "opinion", {"recommend": "no"}, ["请说明不推荐的理由。"]),
        (
            cast.organizer,
            "reviewing",
            "score",
            {},
            ["请给技术水平打分。", "请给经济效益打分。"],
        ),
        (
            cast.organizer,
            "scored",
            "decision",
            {"decision": "adopt"},
            ["请填写原因。", "请选择实施负责人。", "请填写实施方案。", "请选择完成期限。"],
        ),
        (cast.organizer, "scored", "decision", {}, ["请选择评审决定。"]),
        (cast.organizer, "adopted", "revoke", {}, ["请填写原因。"]),
        (cast.owner, "adopted", "completion", {}, ["请填写实测年效益（元），没有效益填 0。"]),
        (cast.organizer, "implemented", "award", {}, ["请选择奖励等级。", "请输入金额（元）。"]),
    ]
    for who, state, step, data, messages in steps:
        proposal = advance(cast, state)
        auth.login(who)
        response = client.post(f"/proposals/{proposal.id}/{step}", data=data)
        page = text(response)
        assert response.status_code == 422, step
        for message in messages:
            assert message in page, (step, message)
        assert VAGUE not in page, step
        auth.logout()
    auth.login(cast.organizer)
    page = text(client.post("/proposals/settings/weights", data={}))
    assert "请填写技术水平的权重。" in page and VAGUE not in page
