"""Bad input is refused with a clear Chinese message and writes nothing."""

import re

import pytest
from sqlalchemy import func, select

from app.models import Notification
from app.models.proposals import (
    Proposal,
    ProposalAuthor,
    ProposalEvent,
    ProposalReview,
    ProposalStatus,
)
from tests.helpers import text
from tests.proposals.conftest import COMPLETE, advance


def _counts(db) -> tuple:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Proposal, ProposalAuthor, ProposalEvent, ProposalReview, Notification)
    )


# A NUL character (pasted text can carry one) is refused at its field, like any bad input.
NUL_REFUSED = "文字中含有不允许的字符。"


@pytest.mark.parametrize(
    "form, message",
    [
        (
            {"share": "60", "coauthors[0][employee_no]": "P2", "coauthors[0][share]": "140"},
            "共同建议人 1：份额不能超过 100 %，这里填的是 140 %。",
        ),
        ({"share": "150"}, "份额不能超过 100 %，这里填的是 150 %。"),
        (
            {"share": "70", "coauthors[0][employee_no]": "P2", "coauthors[0][share]": "20"},
            "份额合计为 90 %，必须正好是 100 %。",
        ),
        (
            {"share": "50", "coauthors[0][employee_no]": "NOBODY", "coauthors[0][share]": "50"},
            "共同建议人 1：没有工号为“NOBODY”的会员。",
        ),
        ({"title": "切削液\x00再生"}, NUL_REFUSED),
        ({"proposed_change": "\x00"}, NUL_REFUSED),
        ({"category": "perpetual-motion"}, "请从给出的选项中选择。"),
    ],
)
def test_a_proposal_with_bad_input_is_refused_and_nothing_is_written(
    client, auth, cast, db, form, message
):
    auth.login(cast.proposer)
    before = _counts(db)
    response = client.post("/proposals/new", data={**COMPLETE, **form, "action": "submit"})
    assert response.status_code == 422
    assert message in text(response)
    assert _counts(db) == before


@pytest.mark.parametrize("action", ["publish", "SUBMIT", "submit\u200b"])
def test_an_action_that_is_no_button_of_the_form_is_refused_not_kept_as_a_draft(
    client, auth, cast, db, action
):
    auth.login(cast.proposer)
    before = _counts(db)
    response = client.post("/proposals/new", data={**COMPLETE, "action": action})
    assert response.status_code == 422
    page = text(response)
    assert "请选择“存草稿”或“提交”。" in page and COMPLETE["title"] in page  # the rest is kept
    assert _counts(db) == before


def _row_html(page: str, index: int) -> str:
    """The markup of the form's co-proposer row `index` (0-based): its two inputs and their
    messages."""
    start = page.index(f'name="coauthors[{index}][employee_no]"')
    end = page.find(f'name="coauthors[{index + 1}][employee_no]"', start)
    return page[start : end if end != -1 else page.index("</fieldset>", start)]


def test_each_co_proposer_row_says_what_is_wrong_with_it_beside_the_row(client, auth, cast, db):
    auth.login(cast.proposer)
    before = _counts(db)
    response = client.post(
        "/proposals/new",
        data={
            **COMPLETE,
            "action": "submit",
            "share": "40",
            "coauthors[0][employee_no]": "M1",
            "coauthors[0][share]": "1e3",
            "coauthors[1][employee_no]": "M1",
            "coauthors[1][share]": "20",
            "coauthors[2][employee_no]": "XX999",
            "coauthors[2][share]": "10",
        },
    )
    page = text(response)
    assert response.status_code == 422
    assert "共同建议人 1：份额是百分比整数，例如 30。" in _row_html(page, 0)
    assert "共同建议人 2：刘职工 在建议人中重复出现。" in _row_html(page, 1)
    assert "共同建议人 3：没有工号为“XX999”的会员。" in _row_html(page, 2)
    assert "coauthors-" not in page and 'class="alert alert-error"' not in page
    # What was typed stays in its row, each input styled as the form's other text inputs.
    assert (
        'type="text" id="coauthor-2-employee_no" name="coauthors[2][employee_no]" value="XX999"'
        in page
    )
    assert _counts(db) == before


def test_a_blank_co_proposer_row_keeps_the_numbers_of_the_rows_after_it(client, auth, cast):
    auth.login(cast.proposer)
    response = client.post(
        "/proposals/new",
        data={
            **COMPLETE,
            "action": "draft",
            "share": "60",
            "coauthors[0][employee_no]": "",
            "coauthors[0][share]": "",
            "coauthors[1][employee_no]": "NOBODY",
            "coauthors[1][share]": "40",
        },
    )
    assert "共同建议人 2：没有工号为“NOBODY”的会员。" in _row_html(text(response), 1)


def test_a_rubric_score_over_its_weight_is_refused(client, auth, cast, db):
    proposal = advance(cast, "reviewing")
    auth.login(cast.organizer)
    before = _counts(db)
    response = client.post(
        f"/proposals/{proposal.id}/score",
        data={"technical": "31", "economic": "20", "scope": "10", "practicality": "10"},
    )
    assert response.status_code == 422
    assert "技术水平最多 30 分，31 超过了上限。" in text(response)
    assert _counts(db) == before and proposal.score is None


@pytest.mark.parametrize(
    "economic, message",
    [
        ("-1", "请输入 0 到 30 之间的数。"),
        ("30.5", "经济效益最多 30 分，30.5 超过了上限。"),
        ("1e3", "请输入数字。"),
    ],
)
def test_a_rubric_score_out_of_range_is_refused_with_the_criterion_s_own_range(
    client, auth, cast, db, economic, message
):
    proposal = advance(cast, "reviewing")
    auth.login(cast.organizer)
    response = client.post(
        f"/proposals/{proposal.id}/score",
        data={"technical": "20", "economic": economic, "scope": "10", "practicality": "10"},
    )
    assert response.status_code == 422
    assert message in text(response) and "1000000" not in text(response)
    assert proposal.score is None


def test_a_changed_weight_changes_the_limit(client, auth, cast, db):
    proposal = advance(cast, "reviewing")
    auth.login(cast.organizer)
    refused = client.post(
        "/proposals/settings/weights",
        data={
            "weight_technical": "40",
            "weight_economic": "30",
            "weight_scope": "20",
            "weight_practicality": "20",
        },
    )
    assert refused.status_code == 422 and "权重合计为 110，必须正好是 100。" in text(refused)
    assert (
        client.post(
            "/proposals/settings/weights",
            data={
                "weight_technical": "40",
                "weight_economic": "20",
                "weight_scope": "20",
                "weight_practicality": "20",
            },
        ).status_code
        == 303
    )
    scores = {"technical": "35", "economic": "20", "scope": "10", "practicality": "10"}
    assert client.post(f"/proposals/{proposal.id}/score", data=scores).status_code == 303
    assert proposal.score == 75
    over = client.post(f"/proposals/{proposal.id}/score", data={**scores, "economic": "25"})
    assert over.status_code == 422 and "经济效益最多 20 分" in text(over)


def test_a_benefit_without_its_method_is_refused(client, auth, cast, db):
    proposal = advance(cast, "adopted")
    auth.login(cast.owner)
    before = _counts(db)
    for data, message in (
        ({"benefit": "48000", "benefit_method": ""}, "请说明效益的计算方法"),
        ({"benefit": "-5", "benefit_method": "台账"}, "请输入 0 到 100000000000 之间的数。"),
        ({"benefit": "很多", "benefit_method": "台账"}, "请输入数字。"),
        ({"benefit": "NaN", "benefit_method": "台账"}, "请输入数字。"),
        ({"benefit": "100", "benefit_method": "台\x00账"}, NUL_REFUSED),
    ):
        response = client.post(f"/proposals/{proposal.id}/completion", data=data)
        assert response.status_code == 422, data
        assert message in text(response), data
    assert _counts(db) == before
    assert proposal.status is ProposalStatus.ADOPTED and proposal.benefit is None


def test_adopting_needs_an_owner_a_plan_and_a_date_from_today(client, auth, cast, db):
    proposal = advance(cast, "scored")
    auth.login(cast.organizer)
    before = _counts(db)
    response = client.post(
        f"/proposals/{proposal.id}/decision",
        data={
            "decision": "adopt",
            "reason": "好",
            "owner_id": "999999",
            "plan": "",
            "due_on": "2000-01-01",
        },
    )
    page = text(response)
    assert response.status_code == 422
    assert "请从给出的选项中选择。" in page and "请填写实施方案。" in page
    assert "请选择今天或以后的日期。" in page
    assert _counts(db) == before and proposal.status is ProposalStatus.REVIEWING


def test_an_award_needs_a_grade_and_a_sane_amount(client, auth, cast, db):
    proposal = advance(cast, "implemented")
    auth.login(cast.organizer)
    response = client.post(
        f"/proposals/{proposal.id}/award", data={"grade": "gold", "amount": "99999999999"}
    )
    assert response.status_code == 422
    assert "请从给出的选项中选择。" in text(response) and "请输入 0 到 10000000 之间的数。" in text(
        response
    )
    assert proposal.status is ProposalStatus.IMPLEMENTED


@pytest.mark.parametrize("amount", ["1,200", "１２００"])
def test_an_award_amount_is_read_as_people_type_it(client, auth, cast, db, amount):
    proposal = advance(cast, "implemented")
    auth.login(cast.organizer)
    response = client.post(
        f"/proposals/{proposal.id}/award", data={"grade": "second", "amount": amount}
    )
    assert response.status_code == 303
    assert proposal.award_amount == 1200


@pytest.mark.parametrize(
    "technical, message, not_said",
    [
        ("abc", "请输入数字。", "请输入 0 到 30 之间的数。"),
        ("31", "技术水平最多 30 分，31 超过了上限。", "请输入 0 到 30 之间的数。"),
        ("-1", "请输入 0 到 30 之间的数。", "超过了上限"),
    ],
)
def test_a_bad_score_in_one_criterion_says_so_once(
    client, auth, cast, db, technical, message, not_said
):
    proposal = advance(cast, "reviewing")
    auth.login(cast.organizer)
    response = client.post(
        f"/proposals/{proposal.id}/score",
        data={"technical": technical, "economic": "20", "scope": "10", "practicality": "10"},
    )
    assert response.status_code == 422
    page = text(response)
    assert page.count(message) == 1 and not_said not in page
    assert proposal.score is None


def _text_areas(page: str) -> dict[str, tuple[str, str]]:
    """Each text area of a page: (its maxlength, the hint under it)."""
    found = re.findall(
        r'<textarea[^>]*?maxlength="(\d+)"[^>]*?name="(\w+)"[^>]*>.*?</textarea>\s*'
        r'<p class="hint"[^>]*>(.*?)</p>',
        page,
        re.S,
    )
    return {name: (limit, hint) for limit, name, hint in found}


def test_the_proposal_form_shows_each_text_s_limit_before_it_is_sent(client, auth, cast):
    """The browser stops at the limit the service keeps, and the person reads it under the
    field — not only in the refusal after sending."""
    auth.login(cast.proposer)
    page = text(client.get("/proposals/new"))
    assert _text_areas(page) == {
        "current_state": ("4000", "现在怎么做，存在什么问题。最多 4000 个字。"),
        "proposed_change": ("4000", "建议改什么、怎么改。最多 4000 个字。"),
        "expected_effect": ("4000", "能带来什么：省时、省钱、提质、保安全。最多 4000 个字。"),
    }
    assert 'maxlength="120"' in page.split('name="title"')[0].rsplit("<input", 1)[1]
    # One character more than shown is what the service refuses.
    too_long = {**COMPLETE, "current_state": "长" * 4001, "action": "draft"}
    refused = text(client.post("/proposals/new", data=too_long))
    assert "最多使用 4000 个字符。" in refused


def test_the_step_forms_show_each_text_s_limit(client, auth, cast):
    auth.login(cast.head)
    page = text(client.get(f"/proposals/{advance(cast, 'submitted').id}"))
    assert _text_areas(page) == {"note": ("2000", "最多 2000 个字。")}
    auth.logout()
    auth.login(cast.owner)
    page = text(client.get(f"/proposals/{advance(cast, 'adopted').id}"))
    assert _text_areas(page) == {
        "benefit_method": ("4000", "最多 4000 个字。"),
        "note": ("2000", "最多 2000 个字。"),
    }
