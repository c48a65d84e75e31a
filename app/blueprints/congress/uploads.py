"""Documents and attachments: checked by content, stored by their digest under
instance/uploads/congress/, served only through access-checked routes.

(A shared storage module, app/storage.py, is being built elsewhere; this folder store moves
there when it lands.)"""

import hashlib
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from app.errors import ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
# Extension -> (content type, what the first bytes must be)
KINDS = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
}
ACCEPT = ",".join("." + ext for ext in KINDS)


def upload_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "congress"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(file_storage, field: str = "file") -> dict | None:
    """Save one upload; returns filename, stored_name, content_type and size (None: no file)."""
    if file_storage is None or not getattr(file_storage, "filename", ""):
        return None
    filename = Path(file_storage.filename.replace("\\", "/")).name.replace("\x00", "")[:160]
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in KINDS:
        raise ValidationFailed.on(field, _("Attach a PDF, Word, Excel, JPEG or PNG file."))
    data = file_storage.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed.on(field, _("A file may be at most 10 MB."))
    content_type, magics = KINDS[ext]
    if not data or not data.startswith(magics):
        raise ValidationFailed.on(
            field, _("%(name)s is not the kind of file its name says.", name=filename)
        )
    stored_name = hashlib.sha256(data).hexdigest() + "." + ext
    path = upload_dir() / stored_name
    if not path.exists():
        path.write_bytes(data)
    return {
        "filename": filename,
        "stored_name": stored_name,
        "content_type": content_type,
        "size": len(data),
    }


def path_of(stored_name: str) -> Path | None:
    digest, _dot, ext = stored_name.partition(".")
    if len(digest) != 64 or not digest.isalnum() or ext not in KINDS:
        return None
    path = upload_dir() / stored_name
    return path if path.is_file() else None
