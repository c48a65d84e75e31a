"""An answer rated 不满意 does not read as a closed case: the member (named, or holding the
anonymous appeal's code) and the officer both read that it is back with the union, until an
officer reopens it or notes why it stays closed."""

import re

from tests.appeals.conftest import raise_anonymous, raise_named, step
from tests.helpers import text

BACK = "不满意，已转工会重新办理"
CLOSED = "已办结"


def _state(page: str) -> str:
    """The appeal's state as its page shows it."""
    found = re.search(r'<p id="appeal-status"><span class="tag [^"]*">([^<]*)</span>', page)
    return found.group(1)


def _rows(page: str) -> str:
    return page[page.index('<ul class="list">') :]


def test_a_named_member_not_satisfied_reads_that_the_union_takes_it_up_again(
    client, auth, cast, db
):
    appeal = raise_named(cast.member)
    step(cast.officer, appeal, "acknowledge", "investigate", "answer")
    auth.login(cast.member)
    rated = client.post(f"/appeals/{appeal.key}/rate", data={"rating": "unsatisfied"})
    assert rated.status_code == 303
    page = text(client.get(rated.location))
    assert _state(page) == BACK
    mine = _rows(text(client.get("/appeals/")))
    assert BACK in mine and CLOSED not in mine
    auth.logout()

    # The officer reads the same state, and is asked to take it up.
    auth.login(cast.officer)
    page = text(client.get(f"/appeals/{appeal.key}"))
    assert _state(page) == BACK and "职工对答复不满意。可以重新办理" in page
    assert BACK in _rows(text(client.get("/appeals/?tab=open")))
    # A note on why it stays closed is the union's word: then it reads closed, to both.
    client.post(f"/appeals/{appeal.key}/steps", data={"action": "note", "note": "已按合同办理。"})
    assert _state(text(client.get(f"/appeals/{appeal.key}"))) == CLOSED
    auth.logout()
    auth.login(cast.member)
    assert _state(text(client.get(f"/appeals/{appeal.key}"))) == CLOSED


def test_the_holder_of_an_anonymous_appeal_s_code_reads_the_same(client, auth, cast, db):
    appeal, code = raise_anonymous(cast.member)
    step(cast.officer, appeal, "acknowledge", "answer")
    auth.login(cast.member)
    client.post(
        "/appeals/follow/rate",
        data={"code": code, "rating": "unsatisfied", "rating_note": "没解决"},
    )
    assert _state(text(client.post("/appeals/follow", data={"code": code}))) == BACK
    auth.logout()
    auth.login(cast.officer)
    assert _state(text(client.get(f"/appeals/{appeal.key}"))) == BACK
    client.post(f"/appeals/{appeal.key}/steps", data={"action": "reopen", "note": "重新核实。"})
    auth.logout()
    auth.login(cast.member)
    assert _state(text(client.post("/appeals/follow", data={"code": code}))) == "调查中"


def test_a_satisfied_member_reads_it_closed(client, auth, cast, db):
    appeal = raise_named(cast.member)
    step(cast.officer, appeal, "acknowledge", "answer")
    auth.login(cast.member)
    client.post(f"/appeals/{appeal.key}/rate", data={"rating": "satisfied"})
    assert _state(text(client.get(f"/appeals/{appeal.key}"))) == CLOSED
