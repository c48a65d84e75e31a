"""Cover images: checked by content, re-encoded (which drops EXIF), stored by their digest
under instance/uploads/ and served through an access-checked route."""

import hashlib
import io
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from app.errors import ValidationFailed

LONG_EDGE = 1600
NAME_LENGTH = 64 + len(".jpg")


def upload_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_cover(file_storage) -> str | None:
    """Save an uploaded cover; returns its file name, or None when no file was sent."""
    if file_storage is None or not getattr(file_storage, "filename", ""):
        return None
    try:
        with Image.open(file_storage.stream) as image:
            if image.format not in {"JPEG", "PNG", "WEBP"}:
                raise ValidationFailed({"cover": [_("Use a JPEG, PNG or WebP image.")]})
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((LONG_EDGE, LONG_EDGE))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationFailed({"cover": [_("This file is not an image we can read.")]}) from None
    data = out.getvalue()
    name = hashlib.sha256(data).hexdigest() + ".jpg"
    path = upload_dir() / name
    if not path.exists():
        path.write_bytes(data)
    return name


def cover_path(name: str) -> Path | None:
    if not name or len(name) != NAME_LENGTH or not name[:64].isalnum():
        return None
    path = upload_dir() / name
    return path if path.is_file() else None
