"""Photos: checked by content, turned upright, stripped of EXIF, stored by content hash.

Files live under `instance/uploads/<aa>/<sha256>.jpg` with a thumbnail beside them in
`instance/uploads/thumbs/`; the same picture uploaded twice is stored once. Pictures are served
only through `safety.photo`, which checks that the viewer may see the record it belongs to.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps

from app.models.hazards import Photo
from app.services.photos import write_once

from .common import ValidationFailed

Image.init()
# HEIC (an iPhone's own format) only where this Pillow has a plugin that reads it; without it
# the form does not offer HEIC, and iOS then converts the picture to JPEG as it uploads it.
HEIC = "HEIF" in Image.OPEN
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"} | ({"HEIF"} if HEIC else set())
ACCEPT = "image/jpeg,image/png,image/webp" + (",image/heic,image/heif" if HEIC else "")
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
MAX_PIXELS = 50_000_000
LONG_EDGE = 2560
THUMB_EDGE = 360


@dataclass
class PreparedPhoto:
    data: bytes
    thumb: bytes
    sha256: str
    width: int
    height: int
    client_id: str | None = None


def _read(upload, limit: int) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload[: limit + 1])
    stream = getattr(upload, "stream", upload)
    return stream.read(limit + 1)


def _name(upload) -> str:
    return getattr(upload, "filename", None) or _("photo")


def prepare(upload) -> PreparedPhoto:
    """Check one upload and make the JPEG and thumbnail we store. Raises ValidationFailed."""
    limit = current_app.config.get("SAFETY_PHOTO_MAX_BYTES", MAX_PHOTO_BYTES)
    raw = _read(upload, limit)
    name = _name(upload)
    if len(raw) > limit:
        raise ValidationFailed(
            {"photos": [_("%(name)s is larger than %(mb)d MB.", name=name, mb=limit // 2**20)]}
        )
    if not raw:
        raise ValidationFailed({"photos": [_("%(name)s is empty.", name=name)]})
    not_a_picture = ValidationFailed(
        {
            "photos": [
                _("%(name)s is not a JPEG, PNG, WebP or HEIC picture.", name=name)
                if HEIC
                else _("%(name)s is not a JPEG, PNG or WebP picture.", name=name)
            ]
        }
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            if image.format not in ALLOWED_FORMATS:
                raise not_a_picture
            if image.width * image.height > MAX_PIXELS:
                raise ValidationFailed({"photos": [_("%(name)s has too many pixels.", name=name)]})
            image.load()
            image = ImageOps.exif_transpose(image)
    except ValidationFailed:
        raise
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ):
        raise not_a_picture from None
    return _encode(image)


def _encode(image: Image.Image) -> PreparedPhoto:
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    image.thumbnail((LONG_EDGE, LONG_EDGE))
    # A fresh image carries no metadata: GPS position and device details are left behind.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    data = _jpeg(clean, 85)
    thumb_image = clean.copy()
    thumb_image.thumbnail((THUMB_EDGE, THUMB_EDGE))
    return PreparedPhoto(
        data=data,
        thumb=_jpeg(thumb_image, 75),
        sha256=hashlib.sha256(data).hexdigest(),
        width=clean.width,
        height=clean.height,
    )


def adopt(data: bytes, client_id: str | None = None) -> PreparedPhoto:
    """A photo that arrived through sync: already checked, upright and without EXIF
    (`app.services.photos.store_image`), so its bytes are kept as they are, byte for byte;
    only the size and the thumbnail are made here."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        thumb_image = image.convert("RGB")
    thumb_image.thumbnail((THUMB_EDGE, THUMB_EDGE))
    return PreparedPhoto(
        data=data,
        thumb=_jpeg(thumb_image, 75),
        sha256=hashlib.sha256(data).hexdigest(),
        width=image.width,
        height=image.height,
        client_id=client_id,
    )


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def prepare_all(uploads) -> list[PreparedPhoto]:
    """Check every upload before anything is written; empty file inputs are skipped."""
    uploads = [u for u in uploads or [] if not _is_empty_input(u)]
    if len(uploads) > MAX_PHOTOS:
        raise ValidationFailed({"photos": [_("Attach at most %(n)d photos.", n=MAX_PHOTOS)]})
    return [prepare(u) for u in uploads]


def _is_empty_input(upload) -> bool:
    # A form's file input sent with no file chosen arrives as a nameless, empty part.
    return getattr(upload, "filename", "x") == "" or upload is None


def upload_root() -> Path:
    configured = current_app.config.get("SAFETY_UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def file_path(sha256: str, thumb: bool = False) -> Path:
    root = upload_root() / "thumbs" if thumb else upload_root()
    return root / sha256[:2] / f"{sha256}.jpg"


def store(prepared: PreparedPhoto, user, **owner) -> Photo:
    """Write the files (once per content) and return a Photo row for `owner` (not yet added)."""
    write_once(file_path(prepared.sha256), prepared.data)
    write_once(file_path(prepared.sha256, thumb=True), prepared.thumb)
    return Photo(
        client_id=prepared.client_id,
        sha256=prepared.sha256,
        width=prepared.width,
        height=prepared.height,
        size=len(prepared.data),
        uploaded_by_id=user.id,
        **owner,
    )
