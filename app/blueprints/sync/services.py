"""Taking records and photos from phones: each record on its own, nothing lost, nothing doubled.

Idempotency rests on the record id: the row in `sync_records` is inserted in the same
transaction as the feature's row, so after a crash either both exist (a retry is `duplicate`)
or neither does (a retry is handled as new). The answer is sent only after the commit. Two
requests racing with the same id meet at the primary key; the loser sees the winner's row
and answers `duplicate` or `conflict`.
"""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.blueprints.sync.envelope import check_record, content_hash, parse_uuid
from app.blueprints.sync.registry import SyncItem, handler_for
from app.extensions import db
from app.models import SyncPhoto, SyncRecord, SyncStatus
from app.models._types import utcnow
from app.services.users import ValidationFailed


def ingest(user, device: str | None, raw_records: list) -> list[dict]:
    """One result per record, in order.

    Each record runs in its own savepoint, so a refused or failing record leaves no trace and
    blocks nothing; the batch is committed once, before any answer leaves the server. If the
    commit fails the request fails and the phone, having heard nothing, sends it all again.
    """
    _begin_writing()
    results = [_safely(user, device, raw) for raw in raw_records]
    db.session.commit()
    return results


def _begin_writing() -> None:
    """On SQLite, hold the write lock for the whole batch.

    pysqlite opens a transaction only at the first INSERT/UPDATE, so the first SAVEPOINT would
    open one itself and its RELEASE would commit it: one disk sync per record, and no batch.
    BEGIN IMMEDIATE makes the savepoints nest in one transaction, and concurrent batches wait
    their turn (busy_timeout) instead of failing on a read snapshot that went stale.
    """
    connection = db.session.connection()
    if (
        connection.dialect.name == "sqlite"
        and not connection.connection.dbapi_connection.in_transaction
    ):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _safely(user, device, raw) -> dict:
    # Last line of defence: whatever one record does, the others still get their answers.
    # Writes happen only inside savepoints (in `ingest_one`), which undo themselves on error.
    try:
        return ingest_one(user, device, raw)
    except Exception:
        current_app.logger.exception("sync: record could not be handled")
        return _failed(_echo_id(raw))


def _echo_id(raw):
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def missing_photos(record: SyncRecord) -> list[str]:
    return [p.id for p in record.photos if p.received_at is None]


def _known(record: SyncRecord, user, digest: str, echo) -> dict:
    """The answer for an id the server has already taken."""
    if record.user_id != user.id:
        return {
            "id": echo,
            "status": "conflict",
            "errors": {"id": [_("This id already belongs to another record.")]},
        }
    if record.content_hash != digest:
        return {
            "id": echo,
            "status": "conflict",
            "url": record.url,
            "errors": {"id": [_("A different record with this id has already been received.")]},
        }
    return {
        "id": echo,
        "status": "duplicate",
        "url": record.url,
        "missing_photos": missing_photos(record),
    }


def ingest_one(user, device, raw) -> dict:
    echo = _echo_id(raw)
    checked, errors = check_record(raw)
    if errors and checked.get("id") is None:
        return {"id": echo, "status": "invalid", "errors": errors}
    digest = content_hash(raw)
    existing = db.session.get(SyncRecord, checked["id"])
    if existing is not None and existing.status == SyncStatus.CREATED:
        return _known(existing, user, digest, echo)
    if existing is not None and existing.user_id != user.id:
        return _known(existing, user, digest, echo)
    kind = handler_for(checked["kind"]) if not errors.get("kind") else None
    if kind is None and "kind" not in errors:
        errors["kind"] = [_("This app does not know records of this kind.")]
    if not errors:
        errors = _photo_ids_taken(checked)
    if errors:
        return _refuse(user, device, checked, digest, errors, echo)
    try:
        with db.session.begin_nested():
            return _create(user, device, checked, digest, kind, echo, existing)
    except ValidationFailed as invalid:
        return _refuse(user, device, checked, digest, invalid.errors, echo)
    except IntegrityError:
        # Another request took this id (or one of its photo ids) first.
        winner = db.session.get(SyncRecord, checked["id"])
        if winner is not None and winner.status == SyncStatus.CREATED:
            return _known(winner, user, digest, echo)
        return _failed(echo)
    except Exception:
        current_app.logger.exception("sync handler for %r failed", checked["kind"])
        return _failed(echo)


def _failed(echo) -> dict:
    """The server could not take the record now; the phone keeps it and tries again later."""
    return {
        "id": echo,
        "status": "error",
        "errors": {"record": [_("The server could not save this record now; it will retry.")]},
    }


def _photo_ids_taken(checked) -> dict:
    ids = [p.id for p in checked["photos"]]
    if not ids:
        return {}
    taken = db.session.scalar(
        select(SyncPhoto.id).where(SyncPhoto.id.in_(ids), SyncPhoto.record_id != checked["id"])
    )
    if taken:
        return {"photos": [_("A photo of this record was already sent with another record.")]}
    return {}


def _create(user, device, checked, digest, kind, echo, record) -> dict:
    now = utcnow()
    if record is None:
        record = SyncRecord(id=checked["id"])
    else:  # the phone sends a record again that was refused before, corrected
        _forget_photos(record)
    record.user_id = user.id
    record.kind = checked["kind"]
    record.device = device
    record.content_hash = digest
    record.status = SyncStatus.CREATED
    record.errors = None
    record.captured_at = checked["captured_at"]
    record.received_at = now
    db.session.add(record)
    for position, photo in enumerate(checked["photos"]):
        db.session.add(
            SyncPhoto(
                id=photo.id,
                record_id=checked["id"],
                user_id=user.id,
                position=position,
                item_id=photo.item_id,
                sha256=photo.sha256,
                size=photo.size,
            )
        )
    db.session.flush()  # claims the id before the feature writes anything
    item = SyncItem(
        id=checked["id"],
        kind=checked["kind"],
        captured_at=checked["captured_at"],
        received_at=now,
        data=checked["data"],
        photos=checked["photos"],
        device=device,
    )
    result = kind.handle(user, item)
    db.session.flush()
    record.url = result.url
    record.target_type = result.obj.__table__.name
    record.target_id = result.obj.id
    db.session.flush()
    return {
        "id": echo,
        "status": "created",
        "url": record.url,
        "missing_photos": [p.id for p in checked["photos"]],
    }


def _forget_photos(record: SyncRecord) -> None:
    for photo in list(record.photos):
        db.session.delete(photo)
    db.session.flush()
    db.session.expire(record, ["photos"])


def _plain_errors(errors) -> dict[str, list[str]]:
    """{field: [messages]} as plain JSON, whatever a feature raised (lazy strings, a bare
    message, a nested form's errors)."""
    if not isinstance(errors, dict):
        return {"record": [str(errors)]}
    return {
        str(field): [str(m) for m in messages]
        if isinstance(messages, list | tuple)
        else [str(messages)]
        for field, messages in errors.items()
    }


def _refuse(user, device, checked, digest, errors, echo) -> dict:
    """Answer `invalid`, and keep the last refusal so support can see what the phone sent."""
    errors = _plain_errors(errors)
    if checked.get("id") is not None:
        try:
            with db.session.begin_nested():
                _keep_refusal(user, device, checked, digest, errors)
        except SQLAlchemyError:
            # A racing request saved it first, or the refusal itself cannot be kept; either
            # way the answer to the phone stands.
            pass
    return {"id": echo, "status": "invalid", "errors": errors}


def _keep_refusal(user, device, checked, digest, errors) -> None:
    record = db.session.get(SyncRecord, checked["id"])
    if record is None:
        record = SyncRecord(id=checked["id"])
    else:
        _forget_photos(record)
    record.user_id = user.id
    record.kind = str(checked.get("kind") or "")[:32]
    record.device = device
    record.content_hash = digest
    record.status = SyncStatus.INVALID
    record.errors = errors
    record.captured_at = checked.get("captured_at")
    record.received_at = utcnow()
    db.session.add(record)
    db.session.flush()


def photo_for_upload(user, photo_id) -> SyncPhoto | None:
    """The declared photo of this user under `photo_id`, if any record of theirs declared it."""
    canonical = parse_uuid(photo_id)
    if canonical is None:
        return None
    photo = db.session.get(SyncPhoto, canonical)
    if photo is None or photo.user_id != user.id:
        return None
    return photo
