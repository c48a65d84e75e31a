"""Attachments of a file (certificates, photos) and photos of a visit.

Pictures go through `app.storage` (content-checked, pixel budget, EXIF stripped, re-encoded)
and PDF certificates are checked by their header; both are stored content-addressed under
`care/` in the one upload store, and served only by `care.attachment`, which checks the
viewer's role.
"""

import hashlib

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app import storage
from app.errors import ValidationFailed
from app.extensions import db
from app.models.care import CareAttachment

MAX_PER_UPLOAD = 6


def hint() -> str:
    """What the forms say of the files they take: the limits `prepare` holds them to."""
    return _(
        "Pictures or PDF, up to %(mb)d MB each, at most %(n)d; all together at most %(total)d MB.",
        mb=storage.limits().max_mb,
        n=MAX_PER_UPLOAD,
        total=current_app.config["MAX_CONTENT_LENGTH"] // 2**20,
    )


def _is_empty(upload) -> bool:
    return upload is None or getattr(upload, "filename", "x") == ""


def prepare(uploads, field: str = "attachments") -> list[tuple[bytes, str, str]]:
    """Check every upload (pictures or PDF certificates, at most `MAX_PER_UPLOAD`) before
    anything is written: [(bytes, content type, extension)]. Raises
    ValidationFailed({field: [...]}) naming the file at fault."""
    uploads = [u for u in uploads or [] if not _is_empty(u)]
    if len(uploads) > MAX_PER_UPLOAD:
        raise ValidationFailed.on(
            field, _("Attach at most %(n)d files at a time.", n=MAX_PER_UPLOAD)
        )
    prepared = []
    for upload in uploads:
        if isinstance(upload, storage.PreparedImage):  # a photo a refused form kept
            prepared.append((upload.data, "image/jpeg", "jpg"))
            continue
        name = getattr(upload, "filename", None) or _("file")
        try:  # at most the one limit of a file, which the hint says
            raw = storage.read_bounded(upload, name=name)
        except storage.ImageRejected as rejected:  # too large, or empty
            raise ValidationFailed.on(field, rejected.message) from None
        if raw.startswith(b"%PDF-"):
            if b"%%EOF" not in raw[-2048:]:
                raise ValidationFailed.on(field, _("%(name)s is not a whole PDF file.", name=name))
            prepared.append((raw, "application/pdf", "pdf"))
            continue
        try:
            photo = storage.prepare(raw, name=name)
        except storage.ImageRejected as rejected:
            if rejected.status == 413:  # a picture, but past the pixel budget
                raise ValidationFailed.on(field, rejected.message) from None
            raise ValidationFailed.on(
                field, _("%(name)s is not a picture (JPEG, PNG, WebP) or a PDF.", name=name)
            ) from None
        prepared.append((photo.data, "image/jpeg", "jpg"))
    return prepared


def prepare_visit_photos(uploads) -> list[tuple[bytes, str, str]]:
    """A visit's photos, checked as every feature's photos are (`storage.prepare_uploads`):
    pictures only, never a PDF (certificates belong to the file), and at most the upload
    table's `photos_per_record`, which the visit form's hint says and the outbox's
    `care_visit` is held to (`app.blueprints.sync.envelope`). Raises
    ValidationFailed({"photos": [...]}) with storage's words for the file at fault."""
    return [(p.data, "image/jpeg", "jpg") for p in storage.prepare_uploads(uploads, "photos")]


def store(prepared, user, *, title: str = "", **owner) -> list[CareAttachment]:
    rows = []
    for data, content_type, ext in prepared:
        digest = hashlib.sha256(data).hexdigest()
        relative = f"care/{digest[:2]}/{digest}.{ext}"
        storage.save_file(data, relative)
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
    # The upload stored it and says what it stored: nothing is read back.
    row = CareAttachment(
        client_id=sync_photo.id,
        path=sync_photo.path,
        sha256=sync_photo.image.sha256,
        content_type="image/jpeg",
        size=sync_photo.image.size,
        uploaded_by_id=user.id,
        **owner,
    )
    db.session.add(row)
    db.session.flush()
    return row


def send(attachment: CareAttachment):
    """The attachment's bytes as a private response, or None when they are not stored."""
    return storage.send_stored(
        attachment.path, mimetype=attachment.content_type, etag=attachment.sha256
    )
