"""Which feature handles which record kind.

A feature wires itself into offline capture with one call, at import time of its blueprint:

    from app.blueprints.sync.registry import HandlerResult, SyncInvalid, register_kind

    def sync_hazard(user, record):        # record: a SyncItem
        hazard = services.report_hazard(user, record.data, ...)   # the same service as the form
        return HandlerResult(url=url_for("safety.hazard", hazard_id=hazard.id), obj=hazard)

    register_kind("hazard", sync_hazard, attach_photo=attach_hazard_photo)

The handler validates through its service and raises `SyncInvalid({field: [messages]})` (or
the foundation's `ValidationFailed`, which it extends) when the record cannot be saved. It
must not commit: the sync endpoint runs each record in a savepoint (rolled back whole when the
record is refused) and commits the batch once, before it answers.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import SyncPhoto, SyncRecord, SyncStatus
from app.services.users import ValidationFailed


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
    obj: object  # the row the record became (it needs a primary key `id`)


@dataclass(frozen=True)
class KindHandler:
    handle: Callable[[object, SyncItem], HandlerResult]
    # Called when a photo's bytes arrive: attach_photo(user, obj, photo: SyncPhoto).
    attach_photo: Callable | None = None


_HANDLERS: dict[str, KindHandler] = {}


def register_kind(kind: str, handler, attach_photo=None) -> None:
    """Route records of `kind` to `handler(user, record: SyncItem) -> HandlerResult`."""
    _HANDLERS[kind] = KindHandler(handler, attach_photo)


def unregister_kind(kind: str) -> None:
    _HANDLERS.pop(kind, None)


def handler_for(kind: str) -> KindHandler | None:
    return _HANDLERS.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


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
