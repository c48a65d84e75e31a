"""Photo files: checked to be images by their content, EXIF stripped, stored by their digest.

Kept small and self-contained on purpose: it knows nothing of records or features. Files live
under `instance/uploads/` (or `UPLOAD_FOLDER`), named by the sha256 of the stored bytes, so the
same picture is stored once and a name can never point at other bytes.
"""

import hashlib
import io
import os
import re
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
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ImageRejected(_("Only JPEG photos are accepted."))
            if image.width * image.height > MAX_PIXELS:
                raise ImageRejected(_("The photo has too many pixels."))
            if not any(key in image.info for key in _METADATA_KEYS):
                if not whole_jpeg(data):
                    raise ImageRejected(_("This file is not a readable JPEG photo."))
                return data
            # Re-encoding decodes every block, which finds a cut file on this path.
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            upright.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
            return out.getvalue()
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ImageRejected(_("This file is not a readable JPEG photo.")) from None


# In a scan's entropy-coded data a 0xFF byte is followed by 0x00 (a stuffed byte) or by a
# restart marker; anything else is the marker that ends the scan.
_END_OF_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOFn; C4, C8, CC are other segments
_SOS, _EOI = 0xDA, 0xD9


def whole_jpeg(data: bytes) -> bool:
    """Whether a JPEG is whole: its segments from the start marker (SOI) through the frame
    header and every scan to the end marker (EOI), each as long as it says it is.

    This is what the decode at 1/8 scale it replaces found in practice: a cut file. (That
    decode passes most bytes garbled inside a scan, so neither is the check for those; the
    sha256 the phone declared is.) Reading the markers is about a twentieth of the work.
    """
    if not data.startswith(b"\xff\xd8"):
        return False
    pos, frame, scanned = 2, False, False
    while True:
        while data[pos : pos + 2] == b"\xff\xff":  # fill bytes before a marker
            pos += 1
        if len(data) < pos + 2 or data[pos] != 0xFF:
            return False
        code, pos = data[pos + 1], pos + 2
        if code == _EOI:
            return scanned
        if code in _STANDALONE:
            continue
        if len(data) < pos + 2:
            return False
        end = pos + int.from_bytes(data[pos : pos + 2], "big")
        if end < pos + 2 or end > len(data) or (code == _SOS and not frame):
            return False
        frame = frame or code in _FRAMES
        if code == _SOS:
            scan_end = _END_OF_SCAN.search(data, end)
            if scan_end is None:
                return False
            end, scanned = scan_end.start(), True
        pos = end


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
        _sync_folder(target.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    """Put the folder's entry for a new file on disk too: without it a power cut can lose the
    file's name although its bytes were synced."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def store_image(data: bytes, sha256: str | None = None) -> tuple[str, str]:
    """Check, clean and store a photo; return (sha256 of the stored bytes, relative path).

    `sha256` is the digest of `data` when the caller has it already. Raises ImageRejected.
    Storing the same picture twice is harmless: the file is written once. Bytes that are
    already stored under their digest are not checked again: a name there holds nothing but
    bytes that were checked and cleaned before they were written.
    """
    digest = sha256 or hashlib.sha256(data).hexdigest()
    if absolute_path(relative_path(digest)).exists():
        return digest, relative_path(digest)
    cleaned = clean_image(data)
    if cleaned is not data:
        digest = hashlib.sha256(cleaned).hexdigest()
    relative = relative_path(digest)
    # On disk before the phone hears "stored" and deletes its copy.
    write_once(absolute_path(relative), cleaned)
    return digest, relative
