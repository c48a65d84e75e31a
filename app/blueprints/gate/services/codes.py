"""Workers' personal gate codes and photos.

A person has at most one live code. Reissuing revokes the old one (so a screenshot of it is
refused at the gate) and makes a new one; an officer can revoke a code with a reason.
"""

import secrets

from flask_babel import gettext as _

from app.errors import Refused
from app.extensions import db
from app.models._types import utcnow
from app.models.gate import WorkerCode, WorkerPhoto
from app.services import audit

from ..access import is_officer
from ..queries import live_code
from .common import revoke

REISSUED = "reissued"


def code_for(user) -> WorkerCode:
    """The person's live code, made on first use."""
    code = live_code(user)
    if code is None:
        code = WorkerCode(user_id=user.id, token=secrets.token_urlsafe(24))
        db.session.add(code)
        db.session.flush()
    return code


def reissue_code(user) -> WorkerCode:
    """The person asks for a new code (a lost phone, a shared screenshot): the old one stops."""
    old = live_code(user)
    if old is not None:
        old.revoked_at = utcnow()
        old.revoked_by_id = user.id
        old.revoke_reason = REISSUED
    db.session.flush()
    code = WorkerCode(user_id=user.id, token=secrets.token_urlsafe(24))
    db.session.add(code)
    db.session.flush()
    audit.record("gate.code_reissued", user, actor=user, summary=user.employee_no)
    return code


def revoke_code(officer, code: WorkerCode, reason: str) -> None:
    if not is_officer(officer):
        raise Refused(_("Only safety officers, organizers and the chairman revoke codes."), 403)
    reason = revoke(
        code,
        officer,
        reason,
        say_why=_("Say why the code is revoked."),
        already=_("This code is already revoked."),
    )
    audit.record("gate.code_revoked", code.user, actor=officer, summary=reason)


def set_photo(officer, person, image_name: str) -> WorkerPhoto:
    """The worker's photo for the checker (already stored through app.storage)."""
    if not is_officer(officer):
        raise Refused(_("Only safety officers, organizers and the chairman set photos."), 403)
    photo = db.session.get(WorkerPhoto, person.id) or WorkerPhoto(user_id=person.id)
    photo.image = image_name
    photo.uploaded_by_id = officer.id
    photo.uploaded_at = utcnow()
    db.session.add(photo)
    db.session.flush()
    audit.record("gate.photo_set", person, actor=officer, summary=person.employee_no)
    return photo
