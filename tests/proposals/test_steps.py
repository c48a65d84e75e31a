"""The step forms of a proposal's page: the one that waits for this person is open when they
arrive (from the inbox, say), the others fold shut; each button says what it does."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from app.blueprints.proposals.routes.review import STEPS
from tests.helpers import text
from tests.proposals.conftest import advance

APP = Path(__file__).resolve().parents[2] / "app"


def _steps(client, proposal) -> dict[str, tuple[bool, str]]:
    """Each step form on the page: (shown open, its button's words)."""
    page = text(client.get(f"/proposals/{proposal.id}"))
    found = re.findall(
        r'<details class="action" id="action-(\w+)" ?(open)?>.*?<button[^>]*>(.*?)</button>',
        page,
        re.S,
    )
    return {name: (opened == "open", button) for name, opened, button in found}


def test_the_department_head_arrives_at_an_open_opinion_form(client, auth, cast):
    proposal = advance(cast, "submitted")
    auth.login(cast.head)
    assert _steps(client, proposal) == {"opinion": (True, "提交部门意见")}


def test_the_committee_finds_its_turn_open_and_the_withdrawal_shut(client, auth, cast):
    auth.login(cast.organizer)
    reviewing = advance(cast, "reviewing")
    assert _steps(client, reviewing) == {
        "score": (True, "提交评分"),
        "decision": (False, "提交决定"),
    }
    scored = advance(cast, "scored")  # scored by this organizer: the decision is next
    assert _steps(client, scored) == {"score": (False, "提交评分"), "decision": (True, "提交决定")}
    adopted = advance(cast, "adopted")  # the owner reports it done, not the committee
    assert _steps(client, adopted) == {
        "revoke": (False, "撤销采纳"),
        "completion": (False, "报告实施完成"),
    }
    implemented = advance(cast, "implemented")
    assert _steps(client, implemented) == {
        "revoke": (False, "撤销采纳"),
        "award": (True, "评定奖励"),
    }


def test_the_owner_arrives_at_an_open_completion_form(client, auth, cast):
    proposal = advance(cast, "adopted")
    auth.login(cast.owner)
    assert _steps(client, proposal) == {"completion": (True, "报告实施完成")}


def test_each_step_s_refusal_is_marked_for_translation_where_it_is_written():
    """`make messages` (babel.cfg) finds each step's refusal in `STEPS` itself, not only
    because a service happens to say the same words: one changed there alone would keep no
    translation and show in English."""
    with (APP.parent / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    marked = {
        text
        for filename, _line, text, _comments, _context in extract_from_dir(
            APP / "blueprints/proposals/routes", method_map, options_map
        )
        if filename == "review.py"
    }
    refusals = {refusal for _form, _allowed, _service, refusal in STEPS.values()}
    assert len(refusals) == len(STEPS)
    assert {str(refusal) for refusal in refusals} <= marked


@pytest.mark.parametrize(
    ("who", "state", "step", "refusal"),
    [
        ("coproposer", "submitted", "opinion", "只有部门负责人可以提出部门意见，且只能一次。"),
        ("head", "submitted", "score", "只有评审委员会可以在决定前打分。"),
        ("owner", "implemented", "award", "只有评审委员会可以评奖，且须在建议实施之后。"),
    ],
)
def test_a_step_that_is_not_theirs_is_refused_in_chinese(
    client, auth, cast, who, state, step, refusal
):
    proposal = advance(cast, state)
    auth.login(getattr(cast, who))
    response = client.post(f"/proposals/{proposal.id}/{step}", data={})
    assert response.status_code == 403
    assert refusal in text(response)
