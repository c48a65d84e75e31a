"""Property: random batches never double a row, never answer 500, and answer each input.

Batches mix valid notes, repeats (same id, same or other content, other letter case),
reordering, records with fields replaced by garbage, and garbage instead of records; between
batches, photos are sent whole, truncated, swapped for another picture or as random bytes.
"""

import hashlib
import uuid

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.blueprints.sync.envelope import content_hash
from app.models import SyncPhoto
from tests.sync.conftest import jpeg, post_sync
from tests.sync.test_sync_records import note_rows

IMAGES = [jpeg(color=(40 * i, 20, 20)) for i in range(3)]
CAPTURED = "2026-11-23T09:12:00+08:00"

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = ["id", "kind", "captured_at", "data", "photos"]


def records(ids, photo_ids):
    photo = st.builds(
        lambda pid, image: {
            "id": pid,
            "sha256": hashlib.sha256(IMAGES[image]).hexdigest(),
            "size": len(IMAGES[image]),
        },
        st.sampled_from(photo_ids),
        st.integers(0, len(IMAGES) - 1),
    )
    valid = st.builds(
        lambda rid, text, photos, upper: {
            "id": rid.upper() if upper else rid,
            "kind": "note",
            "captured_at": CAPTURED,
            "data": {"text": text},
            "photos": photos,
        },
        st.sampled_from(ids),
        st.sampled_from(["甲", "乙", "", "x" * 201]),
        st.lists(photo, max_size=2, unique_by=lambda p: p["id"]),
        st.booleans(),
    )
    mangled = st.builds(
        lambda record, field, value, drop: (
            {k: v for k, v in record.items() if k != field} if drop else {**record, field: value}
        ),
        valid,
        st.sampled_from([*FIELDS, "extra"]),
        json_values,
        st.booleans(),
    )
    return st.one_of(valid, valid, mangled, json_values)


def echo(raw):
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def canonical(raw):
    try:
        return str(uuid.UUID(raw["id"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_batches_never_double_and_never_fail(client, db, logged_in, data):
    namespace = uuid.uuid4()  # fresh ids for every example, whatever earlier ones left
    ids = [str(uuid.uuid5(namespace, f"record{i}")) for i in range(4)]
    photo_ids = [str(uuid.uuid5(namespace, f"photo{i}")) for i in range(4)]
    created: dict[str, str] = {}  # canonical id -> content hash of the record that was created
    rows_before = note_rows(db)

    for _ in range(data.draw(st.integers(1, 3), label="batches")):
        batch = data.draw(st.lists(records(ids, photo_ids), max_size=8), label="batch")
        response = post_sync(client, *batch)
        assert response.status_code == 200
        results = response.json["results"]
        assert len(results) == len(batch)
        for raw, result in zip(batch, results, strict=True):
            assert result["id"] == echo(raw)
            key, status = canonical(raw) if isinstance(raw, dict) else None, result["status"]
            event(status)
            if status == "created":
                assert key not in created
                created[key] = content_hash(raw)
            elif status == "duplicate":
                assert created[key] == content_hash(raw)
                assert result["url"]
            elif status == "conflict":
                assert key in created and created[key] != content_hash(raw)
            else:
                assert status == "invalid", result
                assert key not in created
                assert result["errors"]

        for _ in range(data.draw(st.integers(0, 3), label="uploads")):
            photo_id = data.draw(st.sampled_from(photo_ids), label="photo")
            how = data.draw(st.sampled_from(["whole", "truncated", "other", "random"]))
            image = data.draw(st.integers(0, len(IMAGES) - 1), label="image")
            body = {
                "whole": IMAGES[image],
                "truncated": IMAGES[image][: len(IMAGES[image]) // 2],
                "other": IMAGES[(image + 1) % len(IMAGES)],
                "random": data.draw(st.binary(max_size=64), label="bytes"),
            }[how]
            response = client.put(f"/sync/photos/{photo_id}", data=body)
            assert response.status_code in {200, 201, 404, 409, 415}, response.json

    assert note_rows(db) - rows_before == len(created)
    for photo in db.session.scalars(select(SyncPhoto).where(SyncPhoto.id.in_(photo_ids))):
        if photo.received_at is not None:
            assert photo.stored_sha256 == photo.sha256  # no EXIF here: stored as sent
