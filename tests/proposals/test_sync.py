"""The `proposal` outbox kind: a proposal written offline arrives once, as a draft or sent
in, with its photos; refused records say why, in Chinese, and write nothing."""

import hashlib
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.models.proposals import Proposal, ProposalPhoto, ProposalStatus
from tests.proposals.conftest import COMPLETE
from tests.safety.factories import jpeg_bytes


def _record(data, photos=(), record_id=None):
    return {
        "id": record_id or str(uuid.uuid4()),
        "kind": "proposal",
        "captured_at": datetime(2026, 11, 23, 9, 12, tzinfo=UTC).isoformat(),
        "data": data,
        "photos": list(photos),
    }


def _post(client, *records):
    return client.post("/sync", json={"device": "phone-1", "records": list(records)})


def test_an_offline_draft_and_an_offline_proposal_arrive_once_with_their_photo(
    client, auth, cast, db
):
    auth.login(cast.proposer)
    photo = jpeg_bytes()
    ref = {"id": str(uuid.uuid4()), "sha256": hashlib.sha256(photo).hexdigest(), "size": len(photo)}
    draft = _record({"title": "切削液再生", "action": "draft"}, [ref])
    sent = _record(
        {
            **COMPLETE,
            "title": "夹具改进",
            "action": "submit",
            "share": "60",
            "coauthors": [{"employee_no": "P2", "share": "40"}],
        }
    )
    response = _post(client, draft, sent)
    assert [r["status"] for r in response.json["results"]] == ["created", "created"]
    assert client.put(f"/sync/photos/{ref['id']}", data=photo).status_code == 201
    again = _post(client, draft)
    assert again.json["results"][0]["status"] == "duplicate"
    proposals = {p.title: p for p in db.session.scalars(select(Proposal))}
    assert proposals["切削液再生"].status is ProposalStatus.DRAFT
    assert proposals["夹具改进"].status is ProposalStatus.SUBMITTED
    assert sorted(a.share for a in proposals["夹具改进"].authors) == [40, 60]
    assert response.json["results"][0]["url"] == f"/proposals/{proposals['切削液再生'].id}"
    [stored] = db.session.scalars(select(ProposalPhoto)).all()
    assert stored.proposal_id == proposals["切削液再生"].id and stored.client_id == ref["id"]


def test_a_refused_proposal_record_says_why_and_writes_nothing(client, auth, cast, db):
    auth.login(cast.proposer)
    bad = _record(
        {
            **COMPLETE,
            "action": "submit",
            "share": "60",
            "coauthors": [{"employee_no": "P2", "share": "140"}],
        }
    )
    nul = _record({"title": "a\x00b", "action": "draft"})
    shape = _record({"title": "x", "coauthors": "P2"})
    action = _record({"title": "x", "action": "publish"})
    results = _post(client, bad, nul, shape, action).json["results"]
    assert [r["status"] for r in results] == ["invalid"] * 4
    assert results[0]["errors"]["coauthors[0][share]"] == [
        "共同建议人 1：份额不能超过 100 %，这里填的是 140 %。"
    ]
    # The envelope says it at the field that holds the character.
    assert results[1]["errors"] == {"title": ["此处含有无法保存的字符。"]}
    assert results[2]["errors"]["coauthors"] == ["共同建议人的格式无法识别。"]
    assert results[3]["errors"] == {"action": ["请选择“存草稿”或“提交”。"]}
    assert db.session.scalar(select(func.count(Proposal.id))) == 0
