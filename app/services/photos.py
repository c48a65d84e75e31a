"""Photo files: checked to be images by their content, EXIF stripped, stored by their digest.

Kept small and self-contained on purpose: it knows nothing of records or features. Files live
under `instance/uploads/` (or `UPLOAD_FOLDER`), named by the sha256 of the stored bytes, so the
same picture is stored once and a name can never point at other bytes.
"""

import hashlib
import io
import os
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG"}
MAX_PIXELS = 40_000_000  # far above a 1600 px phone photo; refuses decompression bombs early
# Metadata that can carry where and with what a photo was taken; any of it means re-encoding.
_METADATA_KEYS = ("exif", "xmp", "photoshop", "comment", "XML:com.adobe.xmp")


class ImageRejected(ValueError):
    """The bytes are not an image this app stores; the message says why, for the user."""


def upload_root() -> Path:
    configured = current_app.config.get("UPLOAD_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def relative_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}.jpg"


def absolute_path(relative: str) -> Path:
    return upload_root() / relative


def clean_image(data: bytes) -> bytes:
    """The bytes to store: unchanged when they carry no metadata, else re-encoded without it
    (after turning the pixels the way the EXIF orientation says)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ImageRejected(_("Only JPEG photos are accepted."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRejected(_("The photo has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if not any(key in image.info for key in _METADATA_KEYS):
                # Decoding every block finds a truncated or corrupt file; at 1/8 scale (DCT
                # scaling) it reads all the data for a fraction of the work.
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
                return data
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            upright.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
            return out.getvalue()
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRejected(_("This file is not a readable JPEG photo.")) from None


def write_once(target: Path, data: bytes) -> None:
    """Write `data` to `target` unless a file is there already: atomically, and on disk (fsync)
    before returning, so a reader never sees half a picture and "stored" means stored.

    Meant for content-addressed names, where an existing file already holds these bytes.
    """
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_image(data: bytes) -> tuple[str, str]:
    """Check, clean and store a photo; return (sha256 of the stored bytes, relative path).

    Raises ImageRejected. Storing the same picture twice is harmless: the file is written once.
    """
    cleaned = clean_image(data)
    digest = hashlib.sha256(cleaned).hexdigest()
    relative = relative_path(digest)
    # On disk before the phone hears "stored" and deletes its copy.
    write_once(absolute_path(relative), cleaned)
    return digest, relative
