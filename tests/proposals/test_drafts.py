"""A draft keeps "no category chosen yet": it reads 未选择 on its page and in the list, and
sending it in (from its page, the edit form or the outbox) asks for the category at its field."""

import re
import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from app.models.proposals import Proposal, ProposalStatus
from tests.factories import make_user
from tests.helpers import text
from tests.proposals.conftest import COMPLETE, advance

ASK = "请先选择类别，再提交建议。"
NO_CATEGORY = {**COMPLETE, "category": ""}


def _draft(client, db) -> Proposal:
    response = client.post("/proposals/new", data={**NO_CATEGORY, "action": "draft"})
    assert response.status_code == 303
    return db.session.scalar(select(Proposal))


def _category_field(page: str) -> str:
    """The markup of the form's category field: its label, select and messages."""
    start = page.index('<label for="category">')
    return page[start : page.index('<div class="field', start)]


def test_a_draft_without_a_category_keeps_none_and_reads_not_chosen(client, auth, cast, db):
    auth.login(cast.proposer)
    proposal = _draft(client, db)
    db.session.expire_all()
    assert proposal.category is None and proposal.status is ProposalStatus.DRAFT
    page = text(client.get(f"/proposals/{proposal.id}"))
    assert re.search(r"<dt>类别</dt><dd[^>]*>未选择</dd>", page)
    listed = text(client.get("/proposals/?tab=mine"))
    [meta] = re.findall(r"<span class=\"row-meta\">(.*?)</a>", listed, re.S)
    assert "未选择" in meta and "其他" not in meta
    # The edit form offers the choice again, nothing chosen.
    edit = _category_field(text(client.get(f"/proposals/{proposal.id}/edit")))
    assert '<option selected value="">' in edit


def test_sending_in_a_draft_without_a_category_asks_for_one(client, auth, cast, db):
    auth.login(cast.proposer)
    proposal = _draft(client, db)
    url = f"/proposals/{proposal.id}"
    # From the draft's page: refused, and the page says what to do.
    refused = client.post(url + "/submit")
    assert refused.status_code == 422 and ASK in text(refused)
    # From the edit form: the message stands at the category field.
    refused = client.post(url + "/edit", data={**NO_CATEGORY, "action": "submit"})
    assert refused.status_code == 422
    assert ASK in _category_field(text(refused))
    db.session.expire_all()
    assert proposal.status is ProposalStatus.DRAFT and proposal.category is None
    # With a category chosen it goes in.
    sent = client.post(url + "/edit", data={**COMPLETE, "action": "submit"})
    assert sent.status_code == 303
    db.session.expire_all()
    assert proposal.status is ProposalStatus.SUBMITTED and proposal.category.value == "reuse"


def _record(data):
    return {
        "id": str(uuid.uuid4()),
        "kind": "proposal",
        "captured_at": datetime(2026, 11, 23, 9, 12, tzinfo=UTC).isoformat(),
        "data": data,
        "photos": [],
    }


def test_the_outbox_keeps_a_draft_without_a_category_and_asks_for_one_to_send_it_in(
    client, auth, cast, db
):
    auth.login(cast.proposer)
    draft = _record({**NO_CATEGORY, "title": "切削液再生", "action": "draft"})
    sent = _record({**NO_CATEGORY, "title": "夹具改进", "action": "submit"})
    results = client.post("/sync", json={"device": "phone-1", "records": [draft, sent]}).json
    assert [r["status"] for r in results["results"]] == ["created", "invalid"]
    assert results["results"][1]["errors"] == {"category": [ASK]}
    [proposal] = db.session.scalars(select(Proposal)).all()
    assert proposal.title == "切削液再生" and proposal.category is None


def test_a_joint_draft_is_seen_by_its_proposers_only_and_says_so(client, auth, cast, db):
    """The co-proposers read a joint draft (it is theirs too) and the note says who sees it;
    nobody else reaches it: not the workshop's head, the committee, nor any other member."""
    proposal = advance(cast, "draft")
    url = f"/proposals/{proposal.id}"
    auth.login(cast.proposer)
    note = _draft_note(client.get(url))
    assert note == "这是草稿，只有您和共同建议人褚车工能看到。填写完整后请提交。"
    auth.logout()
    auth.login(cast.coproposer)
    page = client.get(url)
    assert page.status_code == 200
    assert _draft_note(page) == "这是孙车工的草稿，尚未提交：只有建议人能看到，由孙车工修改和提交。"
    assert proposal.title in text(client.get("/proposals/?tab=mine"))
    auth.logout()
    for someone in (cast.head, cast.organizer, cast.admin, cast.owner, cast.outsider):
        auth.login(someone)
        assert client.get(url).status_code == 404, someone.name
        for tab in ("mine", "todo", "all"):
            assert proposal.title not in text(client.get(f"/proposals/?tab={tab}")), someone.name
        auth.logout()


def test_a_draft_names_a_few_co_proposers_and_counts_many(client, auth, cast, db):
    auth.login(cast.proposer)
    rows = [make_user(name=f"共{i}", employee_no=f"Q{i}") for i in range(4)]
    data = {**COMPLETE, "share": "20", "action": "draft"}
    for i, person in enumerate(rows):
        data |= {f"coauthors[{i}][employee_no]": person.employee_no, f"coauthors[{i}][share]": "20"}
    assert client.post("/proposals/new", data=data).status_code == 303
    proposal = db.session.scalar(select(Proposal))
    note = _draft_note(client.get(f"/proposals/{proposal.id}"))
    assert note == "这是草稿，只有您和 4 位共同建议人能看到。填写完整后请提交。"


def test_a_draft_of_ones_own_says_only_you_see_it(client, auth, cast, db):
    auth.login(cast.proposer)
    proposal = _draft(client, db)
    note = _draft_note(client.get(f"/proposals/{proposal.id}"))
    assert note == "这是草稿，只有您能看到。填写完整后请提交。"


def _draft_note(response) -> str:
    [note] = re.findall(r'<p id="draft-note">(.*?)</p>', text(response), re.S)
    return note.strip()
