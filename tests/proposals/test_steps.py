"""The step forms of a proposal's page: the one that waits for this person is open when they
arrive (from the inbox, say), the others fold shut; each button says what it does."""

import re

from tests.helpers import text
from tests.proposals.conftest import advance


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
