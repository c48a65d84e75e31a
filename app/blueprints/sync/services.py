"""Taking records and photos from phones: each record on its own, nothing lost, nothing doubled.

Idempotency rests on the record id: the row in `sync_records` is inserted in the same
transaction as the feature's row, so after a crash either both exist (a retry is `duplicate`)
or neither does (a retry is handled as new). The answer is sent only after the commit. Two
requests racing with the same id meet at the primary key; the loser sees the winner's row
and answers `duplicate` or `conflict`.
"""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import joinedload, selectinload

from app.blueprints.sync.envelope import check_record, content_hash, parse_uuid
from app.blueprints.sync.registry import HandlerResult, SyncItem, handler_for
from app.errors import ValidationFailed
from app.extensions import db
from app.guards import NulInStatement
from app.models import SyncPhoto, SyncRecord, SyncStatus
from app.models._types import utcnow
from app.services import batch as lookups


def ingest(user, device: str | None, raw_records: list) -> list[dict]:
    """One result per record, in order.

    Each record runs in its own savepoint, or a run of new records of a kind that takes them in
    bulk shares one (`_write_run`; if it fails, each record of the run is taken on its own), so
    a refused or failing record leaves no trace and blocks nothing; the batch is committed once,
    before any answer leaves the server. If the commit fails the request fails and the phone,
    having heard nothing, sends it all again.
    """
    _begin_writing()
    batch = Batch(raw_records)
    results: list[dict | None] = [None] * len(raw_records)
    # Look-ups the records share (who the safety officers are, a recipient's language) are
    # made once for the batch, and the services skip asking whether a new id already has rows.
    with lookups.open_batch(new_ids=batch.new_ids()):
        run = Run()
        for number, raw in enumerate(raw_records):
            checked, errors = check_record(raw)
            if not run.takes(checked, errors, batch):
                _ingest_run(user, device, run.members, batch, results)
                run = Run()
                if not run.takes(checked, errors, batch):
                    results[number] = _safely(user, device, raw, batch, (checked, errors))
                    continue
            run.add(number, raw, checked)
        _ingest_run(user, device, run.members, batch, results)
    db.session.commit()
    return results


class Run:
    """New records of one kind, in a row, that the kind's bulk handler can take together."""

    def __init__(self):
        self.members: list[tuple] = []  # (number in the batch, raw, checked)
        self.kind: str | None = None
        self.ids: set[str] = set()
        self.photo_ids: set[str] = set()

    def takes(self, checked: dict, errors: dict, batch: "Batch") -> bool:
        """A well-formed new record (no row under its id, no photo another record declared)
        of a kind that takes records in bulk, the run's kind, naming no id or photo the run
        names already."""
        if errors or batch.record(checked["id"]) is not None:
            return False
        if self.kind is None:
            kind = handler_for(checked["kind"])
            if kind is None or kind.handle_many is None:
                return False
        elif checked["kind"] != self.kind or checked["id"] in self.ids:
            return False
        photo_ids = {p.id for p in checked["photos"]}
        return not (photo_ids & self.photo_ids or batch.photos_taken(checked["id"], photo_ids))

    def add(self, number: int, raw, checked: dict) -> None:
        self.members.append((number, raw, checked))
        self.kind = checked["kind"]
        self.ids.add(checked["id"])
        self.photo_ids.update(p.id for p in checked["photos"])


def _ingest_run(user, device, run: list[tuple], batch: "Batch", results: list) -> None:
    """A run of new records of one kind, through the kind's bulk handler in one savepoint.

    The records it refuses are answered (and kept) one by one afterwards. Should the bulk
    write fail (a racing request took one of the ids, a value out of range), the savepoint
    goes and every record of the run is taken on its own, as any other record is."""
    if not run:
        return
    outcomes = _write_run(user, device, run) or [None] * len(run)
    for (number, raw, checked), outcome in zip(run, outcomes, strict=True):
        echo = _echo_id(raw)
        if outcome is None:
            results[number] = _safely(user, device, raw, batch, (checked, {}))
        elif isinstance(outcome, HandlerResult):
            batch.saved(checked["id"], [p.id for p in checked["photos"]])
            results[number] = _created_answer(echo, outcome.url, checked["photos"])
        else:
            digest = content_hash(raw)
            results[number] = _refuse(user, device, checked, digest, outcome.errors, echo, batch)


def _write_run(user, device, run: list[tuple]) -> list | None:
    """The bulk handler's outcome for each record of the run, with the sync rows of those it
    wrote; None when the bulk write failed and left nothing."""
    kind = handler_for(run[0][2]["kind"])
    now = utcnow()
    items = [_item(checked, device, now) for _n, _raw, checked in run]
    try:
        with db.session.begin_nested():
            outcomes = kind.handle_many(user, items)
            written = [
                (raw, checked, outcome)
                for (_n, raw, checked), outcome in zip(run, outcomes, strict=True)
                if isinstance(outcome, HandlerResult)
            ]
            _insert_sync_rows(user, device, now, written)
    except (IntegrityError, DataError, OverflowError) as error:
        current_app.logger.info("sync: %d records are taken one by one: %s", len(run), error)
        return None
    except Exception:
        current_app.logger.exception("sync: bulk handler for %r failed", run[0][2]["kind"])
        return None
    return outcomes


class Batch:
    """What the database holds under a batch's record and photo ids.

    Read with one query each before the first record, instead of one query per record, and
    kept current as the batch saves records: a batch may repeat an id, or name a photo that an
    earlier record of the same batch declared. It is read after `_begin_writing`, so on SQLite
    no other batch can write in between; on PostgreSQL a racing request still meets this one at
    the primary keys (see `ingest_one`).
    """

    def __init__(self, raw_records: list):
        record_ids, photo_ids = _ids_named(raw_records)
        self._records: dict[str, SyncRecord | None] = dict.fromkeys(record_ids)
        if record_ids:
            found = db.session.scalars(
                select(SyncRecord)
                .where(SyncRecord.id.in_(record_ids))
                .options(selectinload(SyncRecord.photos))
            )
            self._records.update((record.id, record) for record in found)
        self._photo_owners: dict[str, str] = {}
        if photo_ids:
            rows = db.session.execute(
                select(SyncPhoto.id, SyncPhoto.record_id).where(SyncPhoto.id.in_(photo_ids))
            )
            self._photo_owners = {photo_id: record_id for photo_id, record_id in rows}

    def new_ids(self) -> set[str]:
        """The ids under which no record was received yet (or only a refused one): no feature
        row carries them, since a record's rows are written together with its sync row."""
        return {
            record_id
            for record_id, record in self._records.items()
            if record is None or record.status != SyncStatus.CREATED
        }

    def record(self, record_id: str) -> SyncRecord | None:
        """The record under this id; asks the database only once the batch has saved it."""
        if record_id in self._records:
            return self._records[record_id]
        return db.session.get(SyncRecord, record_id)

    def photos_taken(self, record_id: str, photo_ids: list[str]) -> bool:
        """Whether another record has declared one of these photo ids."""
        return any(self._photo_owners.get(p, record_id) != record_id for p in photo_ids)

    def saved(self, record_id: str, photo_ids: list[str]) -> None:
        """The record was written, declaring these photos (its earlier ones are gone)."""
        self._records.pop(record_id, None)
        lookups.forget_new(record_id)
        self._photo_owners = {p: r for p, r in self._photo_owners.items() if r != record_id}
        self._photo_owners.update(dict.fromkeys(photo_ids, record_id))


def _ids_named(raw_records: list) -> tuple[set[str], set[str]]:
    """The record ids and photo ids a batch names, as far as they are uuids at all."""
    limit = current_app.config["UPLOAD_LIMITS"].photos_per_record
    record_ids, photo_ids = set(), set()
    for raw in raw_records:
        if not isinstance(raw, dict) or (record_id := parse_uuid(raw.get("id"))) is None:
            continue
        record_ids.add(record_id)
        photos = raw.get("photos")
        if isinstance(photos, list) and len(photos) <= limit:
            named = (parse_uuid(p.get("id")) for p in photos if isinstance(p, dict))
            photo_ids.update(p for p in named if p is not None)
    return record_ids, photo_ids


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


def _safely(user, device, raw, batch: Batch, checked=None) -> dict:
    # Last line of defence: whatever one record does, the others still get their answers.
    # Writes happen only inside savepoints (in `ingest_one`, `_write_run`), which undo
    # themselves on error.
    try:
        return ingest_one(user, device, raw, batch, checked)
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


def ingest_one(user, device, raw, batch: Batch, checked=None) -> dict:
    """One record, in its own savepoint; `checked` is what `check_record` made of it, if the
    caller has asked already."""
    echo = _echo_id(raw)
    checked, errors = checked or check_record(raw)
    if errors and checked.get("id") is None:
        return {"id": echo, "status": "invalid", "errors": errors}
    digest = content_hash(raw)
    existing = batch.record(checked["id"])
    if existing is not None and (
        existing.status == SyncStatus.CREATED or existing.user_id != user.id
    ):
        return _known(existing, user, digest, echo)
    kind = handler_for(checked["kind"]) if not errors.get("kind") else None
    if kind is None and "kind" not in errors:
        errors["kind"] = [_("This app does not know records of this kind.")]
    photo_ids = [p.id for p in checked["photos"]]
    if not errors and batch.photos_taken(checked["id"], photo_ids):
        errors = {"photos": [_("A photo of this record was already sent with another record.")]}
    if errors:
        return _refuse(user, device, checked, digest, errors, echo, batch)
    try:
        with db.session.begin_nested():
            result = _create(user, device, checked, digest, kind, echo, existing)
    except ValidationFailed as invalid:
        return _refuse(user, device, checked, digest, invalid.errors, echo, batch)
    except (DataError, OverflowError) as error:
        # A value no column can hold (a number past 64 bits, a date past the calendar): the
        # record is wrong, not the server; sending it again would fail again forever.
        current_app.logger.info("sync: record %s holds a value out of range: %s", echo, error)
        errors = {"data": [_("A value in this record is too large or out of range.")]}
        return _refuse(user, device, checked, digest, errors, echo, batch)
    except NulInStatement:
        # A NUL the kind's own checks let through (the envelope refuses those it sees): as
        # above, the record is wrong and sending it again would fail again.
        errors = {"data": [_("The record's data contains characters that cannot be stored.")]}
        return _refuse(user, device, checked, digest, errors, echo, batch)
    except IntegrityError:
        # Another request took this id (or one of its photo ids) first.
        winner = db.session.get(SyncRecord, checked["id"])
        if winner is not None and winner.status == SyncStatus.CREATED:
            return _known(winner, user, digest, echo)
        if lookups.known_new(checked["id"]):
            # A row carries the id but no sync row does (an online form was sent with it): the
            # batch vouched wrongly. Asked again, the service looks for that row.
            lookups.forget_new(checked["id"])
            return ingest_one(user, device, raw, batch, (checked, errors))
        return _failed(echo)
    except Exception:
        current_app.logger.exception("sync handler for %r failed", checked["kind"])
        return _failed(echo)
    batch.saved(checked["id"], photo_ids)
    return result


def _failed(echo) -> dict:
    """The server could not take the record now; the phone keeps it and tries again later."""
    return {
        "id": echo,
        "status": "error",
        "errors": {"record": [_("The server could not save this record now; it will retry.")]},
    }


def _create(user, device, checked, digest, kind, echo, record) -> dict:
    """The feature's row first, then the sync row that says what the record became.

    One INSERT of the sync row, complete, instead of an INSERT before the feature's row and an
    UPDATE after it. Both happen in the caller's savepoint: a racing request with the same id
    fails at the sync row's primary key (or at the feature's own unique client id) and its
    feature rows go with its savepoint, so it answers from the winner's row.
    """
    now = utcnow()
    result = kind.handle(user, _item(checked, device, now))
    db.session.flush()  # gives the feature's row its id, unless the handler did
    row = _sync_row(user, device, now, checked, digest, result)
    if record is None:
        db.session.execute(insert(SyncRecord.__table__), row)
    else:
        _forget_photos(record)
        for key, value in row.items():
            setattr(record, key, value)
        record.errors = None
        db.session.flush()
    _insert_photo_rows([(row, checked["photos"])])
    return _created_answer(echo, result.url, checked["photos"])


def _item(checked: dict, device, now) -> SyncItem:
    """The record as its kind's handler sees it."""
    return SyncItem(
        id=checked["id"],
        kind=checked["kind"],
        captured_at=checked["captured_at"],
        received_at=now,
        data=checked["data"],
        photos=checked["photos"],
        device=device,
    )


def _created_answer(echo, url: str, photos: list) -> dict:
    return {"id": echo, "status": "created", "url": url, "missing_photos": [p.id for p in photos]}


def _sync_row(user, device, now, checked: dict, digest: str, result: HandlerResult) -> dict:
    """The sync row of a record that became a row of the feature's (`result`)."""
    target_type, target_id = result.target()
    return {
        "id": checked["id"],
        "user_id": user.id,
        "kind": checked["kind"],
        "device": device,
        "content_hash": digest,
        "status": SyncStatus.CREATED,
        "captured_at": checked["captured_at"],
        "received_at": now,
        "url": result.url,
        "target_type": target_type,
        "target_id": target_id,
    }


def _insert_sync_rows(user, device, now, written: list[tuple[dict, dict, HandlerResult]]) -> None:
    """The sync rows (and declared photo rows) of new records (raw, checked, result) that a
    bulk handler wrote: one INSERT each for all of them."""
    rows = [
        (_sync_row(user, device, now, checked, content_hash(raw), result), checked["photos"])
        for raw, checked, result in written
    ]
    if rows:
        db.session.execute(insert(SyncRecord.__table__), [row for row, _photos in rows])
        _insert_photo_rows(rows)


def _insert_photo_rows(records: list[tuple[dict, list]]) -> None:
    """The rows of the photos records declared, (sync row, photos) each, in one INSERT.

    Sync rows go in as plain INSERTs on the session's connection: through the ORM's unit of
    work they cost as much as the feature's whole write (bench/sync_ingest.py). The session
    holds no objects for them to go stale; a repeat of the id later in the batch reads the row
    from the database.
    """
    rows = [
        {
            "id": photo.id,
            "record_id": row["id"],
            "user_id": row["user_id"],
            "position": position,
            "item_id": photo.item_id,
            "sha256": photo.sha256,
            "size": photo.size,
        }
        for row, photos in records
        for position, photo in enumerate(photos)
    ]
    if rows:
        db.session.execute(insert(SyncPhoto.__table__), rows)


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


def _refuse(user, device, checked, digest, errors, echo, batch: Batch) -> dict:
    """Answer `invalid`, and keep the last refusal so support can see what the phone sent."""
    errors = _plain_errors(errors)
    if checked.get("id") is not None:
        try:
            with db.session.begin_nested():
                _keep_refusal(user, device, checked, digest, errors, batch)
        except SQLAlchemyError:
            # A racing request saved it first, or the refusal itself cannot be kept; either
            # way the answer to the phone stands.
            pass
        else:
            batch.saved(checked["id"], [])
    return {"id": echo, "status": "invalid", "errors": errors}


def _keep_refusal(user, device, checked, digest, errors, batch: Batch) -> None:
    record = batch.record(checked["id"])
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
    # With its record, which `receive_photo` reads to tell the feature.
    photo = db.session.get(SyncPhoto, canonical, options=[joinedload(SyncPhoto.record)])
    if photo is None or photo.user_id != user.id:
        return None
    return photo
