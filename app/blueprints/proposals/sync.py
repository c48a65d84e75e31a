"""The `proposal` outbox kind: a proposal written on the phone, also offline.

`data`: `title`, `category`, `current_state`, `proposed_change`, `expected_effect`, `share`
(the lead's percent), `coauthors` (a list of `{employee_no, share}`), `action` (`draft` keeps
it as a draft, `submit` sends it in). Photos follow through `PUT /sync/photos/<uuid>` and
become the proposal's photos. The handler calls the same service as the form.
"""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.blueprints.sync.registry import HandlerResult, SyncInvalid
from app.errors import Conflict, Refused
from app.extensions import db
from app.models.proposals import ProposalPhoto

from .services import photo_row, save_proposal


def sync_proposal(user, record) -> HandlerResult:
    data = record.data if isinstance(record.data, dict) else {}
    try:
        proposal, _created = save_proposal(
            user,
            data,
            (),
            client_id=record.id,
            captured_at=record.captured_at,
        )
    except Refused as refused:
        raise SyncInvalid({"record": [refused.message]}) from None
    except Conflict:
        raise SyncInvalid({"id": [_("This id already belongs to another record.")]}) from None
    return HandlerResult(url=url_for("proposals.show", proposal_id=proposal.id), obj=proposal)


def attach_photo(user, proposal, sync_photo) -> None:
    """The stored picture (checked and written by the sync upload) becomes the proposal's, once;
    nothing is read back or written again."""
    if db.session.scalar(select(ProposalPhoto.id).where(ProposalPhoto.client_id == sync_photo.id)):
        return
    db.session.add(photo_row(sync_photo.image, user, proposal, client_id=sync_photo.id))
    db.session.flush()


def register(reg) -> None:
    reg.sync_kind("proposal", sync_proposal, attach_photo=attach_photo)
