"""Receiving the bytes of a photo that a record declared."""

import hashlib
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from app.blueprints.sync.registry import handler_for, model_for_table
from app.extensions import db
from app.models import SyncPhoto
from app.models._types import utcnow
from app.storage import PHONE_JPEG, ImageRejected, prepare, save


@dataclass(frozen=True)
class UploadAnswer:
    status: int
    body: dict


def receive_photo(user, photo: SyncPhoto, data: bytes) -> UploadAnswer:
    """Store the bytes of a declared photo. Same bytes again: 200; other bytes: 409.

    The bytes must match the sha256 the record declared; they go through `app.storage` as a
    phone's JPEG (checked by content, kept byte for byte unless they carry metadata or are too
    large; the thumbnail made from them in memory). Once stored, the feature that owns the
    record is told (its `attach_photo`, with `photo.image` the stored picture), in the same
    transaction.
    """
    digest = hashlib.sha256(data).hexdigest()
    if digest != photo.sha256:
        message = (
            _("A different photo was already received under this id.")
            if photo.received_at is not None
            else _(
                "These bytes do not match the photo the record declared (%(got)d of %(want)d "
                "bytes, or changed); send the photo again.",
                got=len(data),
                want=photo.size,
            )
        )
        return UploadAnswer(409, {"id": photo.id, "error": message, "status": 409})
    if photo.received_at is not None:
        return UploadAnswer(200, {"id": photo.id, "status": "stored"})
    try:
        stored = save(prepare(data, accepts=PHONE_JPEG))
    except ImageRejected as rejected:
        body = {"id": photo.id, "error": rejected.message, "status": rejected.status}
        return UploadAnswer(rejected.status, body)
    photo.stored_sha256 = stored.sha256
    photo.path = stored.key
    photo.image = stored
    photo.received_at = utcnow()
    _tell_feature(user, photo)
    stored = UploadAnswer(201, {"id": photo.id, "status": "stored"})  # before the commit
    db.session.commit()  # expires `photo`: reading it after would cost a query
    return stored


def _tell_feature(user, photo: SyncPhoto) -> None:
    record = photo.record
    kind = handler_for(record.kind)
    if kind is None or kind.attach_photo is None or record.target_type is None:
        return
    model = model_for_table(record.target_type)
    obj = db.session.get(model, record.target_id) if model is not None else None
    if obj is not None:
        kind.attach_photo(user, obj, photo)
    else:
        current_app.logger.warning("photo %s arrived for a record whose row is gone", photo.id)
