"""flat covers: activity covers saved before the one upload store move into place

Revision ID: 0019_flat_covers
Revises: 0018_surveys
Create Date: 2026-12-06 10:45:00

Covers were once written flat into the upload folder (`<sha256>.jpg`); the store keeps every
picture under `<first two hex digits>/<sha256>.jpg`. This step moves each flat one into place,
once, so that the store itself knows only one layout. The schema does not change. A store in
a bucket (UPLOAD_S3_URL) never held flat covers: nothing to do there.
"""

import logging
import os
import re
from pathlib import Path

from flask import current_app

revision = "0019_flat_covers"
down_revision = "0018_surveys"
branch_labels = None
depends_on = None

FLAT = re.compile(r"[0-9a-f]{64}\.jpg")


def move_flat_covers(root: Path) -> int:
    """Move every `<root>/<sha256>.jpg` to `<root>/<sha256[:2]>/<sha256>.jpg`; how many moved.
    A picture already in place stays, and its flat copy goes."""
    moved = 0
    if not root.is_dir():
        return moved
    for flat in root.iterdir():
        if not (FLAT.fullmatch(flat.name) and flat.is_file()):
            continue
        target = root / flat.name[:2] / flat.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            flat.unlink()
        else:
            os.replace(flat, target)
            moved += 1
    return moved


def upgrade():
    if current_app.config.get("UPLOAD_S3_URL"):
        return
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    moved = move_flat_covers(folder)
    # Said, so that an upgrade run where the upload folder is not mounted shows it moved none.
    logging.getLogger("alembic.runtime.migration").info(
        "flat covers: %d moved into place under %s", moved, folder
    )


def downgrade():
    # The store reads only the one layout; moving the covers back would hide them.
    pass
