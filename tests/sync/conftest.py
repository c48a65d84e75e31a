"""Fixtures for the sync tests: the test-only `note` kind, photos, and a record builder."""

import hashlib
import io
import uuid
from datetime import UTC, datetime

import pytest
from PIL import Image

from tests.factories import make_user
from tests.testkit import register_note_kind


@pytest.fixture
def attached():
    """The photos the note kind's attach_photo hook was told about: (note row id, photo id)."""
    return []


@pytest.fixture(autouse=True)
def note_kind(app, attached):
    register_note_kind(
        app, attach_photo=lambda user, obj, photo: attached.append((obj.id, photo.id))
    )


@pytest.fixture
def inspector(app):
    return make_user(employee_no="S001", name="巡检员")


@pytest.fixture
def logged_in(client, auth, inspector):
    auth.login(inspector)
    return inspector


def jpeg(width=40, height=30, color=(200, 30, 30), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    if exif is not None:
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def photo_ref(data: bytes, **extra) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        **extra,
    }


def note(text="巡检记录", photos=(), record_id=None, **data) -> dict:
    return {
        "id": record_id or str(uuid.uuid4()),
        "kind": "note",
        "captured_at": datetime(2026, 11, 23, 9, 12, tzinfo=UTC).isoformat(),
        "data": {"text": text, **data},
        "photos": list(photos),
    }


def post_sync(client, *records, device="phone-1"):
    return client.post("/sync", json={"device": device, "records": list(records)})
