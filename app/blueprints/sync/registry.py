"""What a feature's outbox record handler gets and gives back, and how records find each other.

A feature wires a record kind in from its `init_app`:

    registry(app).sync_kind("hazard", sync_hazard, attach_photo=attach_hazard_photo)

    def sync_hazard(user, record):        # record: a SyncItem
        hazard = services.report_hazard(user, record.data, ...)   # the same service as the form
        return HandlerResult(url=url_for("safety.hazard", hazard_id=hazard.id), obj=hazard)

The handler validates through its service and raises `SyncInvalid({field: [messages]})` (or
the foundation's `ValidationFailed`, which it extends) when the record cannot be saved. It
must not commit: the sync endpoint runs each record in a savepoint (rolled back whole when the
record is refused) and commits the batch once, before it answers.

A kind that phones send many of at once (hazards, from a round) may add
`handle_many=(user, [SyncItem]) -> [HandlerResult or ValidationFailed]`: the endpoint hands it
each run of new records of that kind in one savepoint, and it writes the valid ones together.
If that write fails, the savepoint goes and each record of the run is handled on its own.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Conflict, Refused, ValidationFailed
from app.extensions import db
from app.features import KindHandler, registry
from app.models import SyncPhoto, SyncRecord, SyncStatus


class SyncInvalid(ValidationFailed):
    """A record that cannot be saved as it is: {field: [messages]} for the person who sent it."""


@dataclass(frozen=True)
class PhotoRef:
    """A photo a record declared; its bytes may arrive later through `PUT /sync/photos/<id>`."""

    id: str
    sha256: str
    size: int
    item_id: str | None = None


@dataclass(frozen=True)
class SyncItem:
    """One record as a handler sees it: checked envelope, the feature's `data` as sent."""

    id: str
    kind: str
    captured_at: datetime
    received_at: datetime
    data: dict
    photos: list[PhotoRef] = field(default_factory=list)
    device: str | None = None


@dataclass(frozen=True)
class HandlerResult:
    url: str
    obj: object = None  # the row the record became (it needs a primary key `id`)
    # Or, from a handler that wrote its rows in bulk and made no objects: its table and id.
    table: str | None = None
    row_id: int | None = None

    def target(self) -> tuple[str, int]:
        """(table, id) of the row the record became."""
        if self.obj is None:
            return self.table, self.row_id
        return self.obj.__table__.name, self.obj.id


def handler_for(kind: str) -> KindHandler | None:
    """The handler the current app's features registered for `kind`."""
    return registry().sync_kinds.get(kind)


def registered_kinds() -> list[str]:
    return sorted(registry().sync_kinds)


def model_for_table(table_name: str):
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table_name:
            return mapper.class_
    return None


def resolve(kind: str, record_id: str, user=None):
    """The object an earlier record (by its uuid) became, or None.

    For records that point at each other: a follow-up captured offline names its hazard by
    the hazard record's uuid. The batch is handled in order, so the hazard is there first.
    Pass `user` to accept only that user's records.
    """
    try:
        record_id = str(uuid.UUID(str(record_id)))
    except ValueError:
        return None
    query = select(SyncRecord).where(
        SyncRecord.id == record_id,
        SyncRecord.kind == kind,
        SyncRecord.status == SyncStatus.CREATED,
    )
    if user is not None:
        query = query.where(SyncRecord.user_id == user.id)
    record = db.session.scalar(query)
    if record is None or record.target_type is None:
        return None
    model = model_for_table(record.target_type)
    return db.session.get(model, record.target_id) if model is not None else None


def photos_of(obj) -> list[SyncPhoto]:
    """The photos that arrived for the row `obj` through sync, in the order the record listed."""
    return list(
        db.session.scalars(
            select(SyncPhoto)
            .join(SyncRecord, SyncPhoto.record_id == SyncRecord.id)
            .where(
                SyncRecord.target_type == obj.__table__.name,
                SyncRecord.target_id == obj.id,
                SyncPhoto.received_at.is_not(None),
            )
            .order_by(SyncPhoto.position)
        )
    )


def run_service(service, *args, **kwargs):
    """Run a feature's service for a record; a refusal or a reused id is an invalid record
    with the reason, which the phone keeps and shows."""
    try:
        return service(*args, **kwargs)
    except Refused as refused:
        raise SyncInvalid({"record": [refused.message]}) from None
    except Conflict:
        raise SyncInvalid({"id": [_("This id already belongs to another record.")]}) from None
