"""Attachments of a file (certificates, photos) and photos of a visit.

Until the one storage module lands on main, pictures go through the safety network's photo
checks (content-checked, EXIF stripped, re-encoded) and PDF certificates are checked by their
header; both are written content-addressed under `uploads/care/` with `write_once`, and served
only by `care.attachment`, which checks the viewer's role.
"""

import hashlib

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.blueprints.safety.services import photos as photo_checks
from app.errors import ValidationFailed
from app.extensions import db
from app.models.care import CareAttachment
from app.services.photos import absolute_path, upload_root, write_once

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_UPLOAD = 6


def _limit() -> int:
    return current_app.config.get("CARE_ATTACHMENT_MAX_BYTES", MAX_BYTES)


def _read(upload, limit: int) -> bytes:
    stream = getattr(upload, "stream", upload)
    return stream.read(limit + 1)


def _is_empty(upload) -> bool:
    return upload is None or getattr(upload, "filename", "x") == ""


def prepare(uploads, field: str = "attachments") -> list[tuple[bytes, str, str]]:
    """Check every upload before anything is written: [(bytes, content type, extension)].
    Raises ValidationFailed({field: [...]}) naming the file at fault."""
    uploads = [u for u in uploads or [] if not _is_empty(u)]
    if len(uploads) > MAX_PER_UPLOAD:
        raise ValidationFailed.on(field, _("Attach at most %(n)d files at a time.", n=6))
    limit = _limit()
    prepared = []
    for upload in uploads:
        name = getattr(upload, "filename", None) or _("file")
        raw = _read(upload, limit)
        if len(raw) > limit:
            raise ValidationFailed.on(
                field, _("%(name)s is larger than %(mb)d MB.", name=name, mb=limit // 2**20)
            )
        if not raw:
            raise ValidationFailed.on(field, _("%(name)s is empty.", name=name))
        if raw.startswith(b"%PDF-"):
            if b"%%EOF" not in raw[-2048:]:
                raise ValidationFailed.on(field, _("%(name)s is not a whole PDF file.", name=name))
            prepared.append((raw, "application/pdf", "pdf"))
            continue
        try:
            photo = photo_checks.prepare(raw)
        except ValidationFailed:
            raise ValidationFailed.on(
                field, _("%(name)s is not a picture (JPEG, PNG, WebP) or a PDF.", name=name)
            ) from None
        prepared.append((photo.data, "image/jpeg", "jpg"))
    return prepared


def store(prepared, user, *, title: str = "", **owner) -> list[CareAttachment]:
    rows = []
    for data, content_type, ext in prepared:
        digest = hashlib.sha256(data).hexdigest()
        relative = f"care/{digest[:2]}/{digest}.{ext}"
        write_once(upload_root() / relative, data)
        row = CareAttachment(
            title=title[:120],
            path=relative,
            sha256=digest,
            content_type=content_type,
            size=len(data),
            uploaded_by_id=user.id,
            **owner,
        )
        db.session.add(row)
        rows.append(row)
    return rows


def adopt_sync_photo(user, sync_photo, **owner) -> CareAttachment | None:
    """A photo that came through `PUT /sync/photos/<uuid>` (already checked and stripped by
    the sync machinery) becomes an attachment of `owner`, once per photo uuid."""
    if db.session.scalar(
        select(CareAttachment.id).where(CareAttachment.client_id == sync_photo.id)
    ):
        return None
    data = absolute_path(sync_photo.path).read_bytes()
    row = CareAttachment(
        client_id=sync_photo.id,
        path=sync_photo.path,
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="image/jpeg",
        size=len(data),
        uploaded_by_id=user.id,
        **owner,
    )
    db.session.add(row)
    db.session.flush()
    return row


def file_path(attachment: CareAttachment):
    return upload_root() / attachment.path
