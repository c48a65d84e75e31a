"""Checking what a phone sent before any feature sees it: batch shape, ids, times, photos.

Everything here answers in the user's language and never raises on garbage: a bad batch is a
`BatchRefused` (400/413 for the whole request), a bad record is a dict of errors for that
record alone.
"""

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _

from app.blueprints.sync.registry import PhotoRef
from app.services.inputs import FIRST_DAY, LAST_DAY

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BatchRefused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def parse_uuid(value) -> str | None:
    """The canonical lowercase form of a uuid given as text, else None."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def storable_text(value: str) -> bool:
    """Text every database can keep: no NUL character, no lone surrogate."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def storable(value, depth=0) -> bool:
    """Whether a JSON value holds only storable text (keys included)."""
    if depth > 32:
        return False
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, list):
        return all(storable(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(storable(k, depth + 1) and storable(v, depth + 1) for k, v in value.items())
    return True


def check_batch(payload) -> tuple[str | None, list]:
    """(device, records) from the JSON body, or BatchRefused saying what is wrong."""
    if not isinstance(payload, dict):
        raise BatchRefused(400, _("Send a JSON object with a list of records."))
    records = payload.get("records")
    if not isinstance(records, list):
        raise BatchRefused(400, _("The field “records” must be a list of records."))
    limit = current_app.config["SYNC_MAX_RECORDS"]
    if len(records) > limit:
        raise BatchRefused(
            413,
            _(
                "At most %(limit)d records can be sent at once; this batch has %(count)d.",
                limit=limit,
                count=len(records),
            ),
        )
    device = payload.get("device")
    if device is not None and not (
        isinstance(device, str) and len(device) <= 64 and storable_text(device)
    ):
        raise BatchRefused(400, _("The field “device” must be a short text."))
    return device, records


def _captured_at(value, errors) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        errors["captured_at"] = [_("Give the time of capture as an ISO 8601 date and time.")]
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors["captured_at"] = [_("Give the time of capture as an ISO 8601 date and time.")]
        return None
    if moment.tzinfo is None:
        errors["captured_at"] = [_("The time of capture must include its time zone.")]
        return None
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        moment = None
    if moment is None or not FIRST_DAY <= moment.date() <= LAST_DAY:
        errors["captured_at"] = [_("The time of capture is not a plausible date.")]
        return None
    return moment


def _photos(value, errors) -> list[PhotoRef]:
    if value is None:
        return []
    limits = current_app.config["UPLOAD_LIMITS"]
    if not isinstance(value, list):
        errors["photos"] = [_("The photos must be a list.")]
        return []
    if len(value) > limits.photos_per_record:
        # The forms' own words: the limit is the same for every kind and every form.
        errors["photos"] = [_("Attach at most %(n)d photos.", n=limits.photos_per_record)]
        return []
    photos, seen = [], set()
    for entry in value:
        if not isinstance(entry, dict):
            errors["photos"] = [_("Each photo needs an id, a sha256 and a size.")]
            return []
        photo_id = parse_uuid(entry.get("id"))
        digest = entry.get("sha256")
        size = entry.get("size")
        item_id = entry.get("item_id")
        if (
            photo_id is None
            or not (isinstance(digest, str) and SHA256.match(digest))
            or not (isinstance(size, int) and not isinstance(size, bool))
            or (item_id is not None and not isinstance(item_id, str | int))
        ):
            errors["photos"] = [_("Each photo needs an id, a sha256 and a size.")]
            return []
        if not 0 < size <= limits.max_bytes:
            errors["photos"] = [_("A photo may be at most %(mb)d MB.", mb=limits.max_mb)]
            return []
        if photo_id in seen:
            errors["photos"] = [_("The same photo is listed twice.")]
            return []
        seen.add(photo_id)
        item = str(item_id)[:64] if item_id is not None and not isinstance(item_id, bool) else None
        photos.append(PhotoRef(photo_id, digest, size, item))
    return photos


# The envelope's own error keys: a field of the data by one of these names is not named apart.
ENVELOPE = frozenset({"record", "id", "kind", "captured_at", "data", "photos"})


def check_record(raw) -> tuple[dict, dict]:
    """({id, kind, captured_at, data, photos}, errors) for one record; errors empty when fine."""
    errors: dict[str, list[str]] = {}
    if not isinstance(raw, dict):
        return {}, {"record": [_("Each record must be a JSON object.")]}
    record_id = parse_uuid(raw.get("id"))
    if record_id is None:
        errors["id"] = [_("Each record needs a uuid as its id.")]
    kind = raw.get("kind")
    if not isinstance(kind, str) or not kind or len(kind) > 32 or not storable_text(kind):
        errors["kind"] = [_("Each record needs a kind.")]
        kind = None
    captured_at = _captured_at(raw.get("captured_at"), errors)
    data = raw.get("data")
    if not isinstance(data, dict):
        errors["data"] = [_("The record's data must be a JSON object.")]
    elif not storable(data):
        # Said at the fields that hold them, so the person sees where to correct it.
        fields = [k for k, v in data.items() if storable_text(k) and not storable(v)]
        if fields and all(storable_text(k) for k in data) and not ENVELOPE.intersection(fields):
            errors.update(
                {k: [_("This contains a character that cannot be stored.")] for k in fields}
            )
        else:
            errors["data"] = [_("The record's data contains characters that cannot be stored.")]
    photos = _photos(raw.get("photos"), errors)
    checked = {
        "id": record_id,
        "kind": kind,
        "captured_at": captured_at,
        "data": data,
        "photos": photos,
    }
    return checked, errors


def content_hash(raw: dict) -> str:
    """A digest of what the record says, so a retry can be told from a different record."""
    photos = raw.get("photos")
    canonical = {
        "kind": raw.get("kind"),
        "captured_at": raw.get("captured_at"),
        "data": raw.get("data"),
        "photos": [
            {
                "id": parse_uuid(p.get("id")),
                "sha256": p.get("sha256"),
                "size": p.get("size"),
                "item_id": p.get("item_id"),
            }
            if isinstance(p, dict)
            else p
            for p in photos
        ]
        if isinstance(photos, list)
        else photos,
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
