"""A proposal form refused for something else keeps the photos chosen: shown again, ticked,
and saved with the corrected form without choosing them again (JavaScript off; with it, the
outbox on the phone keeps them)."""

import io

from sqlalchemy import select

from app.models.proposals import Proposal, ProposalPhoto
from tests.helpers import kept_tokens, text
from tests.proposals.conftest import COMPLETE, advance
from tests.safety.factories import jpeg_bytes


def _photos(db, proposal_id) -> list[ProposalPhoto]:
    query = select(ProposalPhoto).where(ProposalPhoto.proposal_id == proposal_id)
    return db.session.scalars(query).all()


def _refused(client, url, **fields) -> str:
    data = {**COMPLETE, "share": "150", **fields, "photos": (io.BytesIO(jpeg_bytes()), "a.jpg")}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = text(response)
    assert "份额不能超过 100 %，这里填的是 150 %。" in page
    return page


def test_a_refused_new_proposal_keeps_its_photo_for_the_corrected_one(client, auth, cast, db):
    auth.login(cast.proposer)
    page = _refused(client, "/proposals/new", action="submit")
    [token] = kept_tokens(page)
    assert '<ul class="outbox-kept-photos" id="kept-photos" aria-label="已选的照片">' in page
    assert db.session.scalar(select(Proposal)) is None
    data = {**COMPLETE, "share": "100", "action": "submit", "kept_photos": token}
    assert client.post("/proposals/new", data=data).status_code == 303
    proposal = db.session.scalar(select(Proposal))
    [photo] = _photos(db, proposal.id)
    assert (photo.width, photo.height) == (64, 48) and photo.uploaded_by_id == cast.proposer.id
    shown = client.get(f"/proposals/photos/{photo.id}")
    assert shown.status_code == 200 and shown.data.startswith(b"\xff\xd8")
    shown.close()


def test_a_refused_draft_edit_keeps_its_photo_and_another_s_token_is_ignored(
    client, auth, cast, db
):
    draft = advance(cast, "draft")
    auth.login(cast.proposer)
    url = f"/proposals/{draft.id}/edit"
    [token] = kept_tokens(_refused(client, url, action="draft"))
    assert _photos(db, draft.id) == []
    # The coproposer's own draft does not take the proposer's photo by its token.
    auth.logout()
    auth.login(cast.coproposer)
    data = {**COMPLETE, "share": "100", "action": "draft", "kept_photos": token}
    assert client.post("/proposals/new", data=data).status_code == 303
    theirs = db.session.scalar(select(Proposal).where(Proposal.author_id == cast.coproposer.id))
    assert _photos(db, theirs.id) == []
    auth.logout()
    auth.login(cast.proposer)
    assert client.post(url, data=data).status_code == 303
    assert len(_photos(db, draft.id)) == 1
